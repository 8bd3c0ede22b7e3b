// swift-tools-version:6.2
// podguard: stateful-workload failover for Kubernetes, as Swift services over NATS.
//
// One owner edits this file. Dependencies are deliberate: CI builds everything from scratch on
// every run, so each package here must earn its build minutes.

import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "podguard",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Bus", targets: ["Bus"]),
        .library(name: "Contracts", targets: ["Contracts"]),
        .library(name: "ServiceKit", targets: ["ServiceKit"]),
        .library(name: "BusService", targets: ["BusService"]),
        .executable(name: "podguard-tap", targets: ["Tap"]),
        .executable(name: "podguard-decision", targets: ["Decision"]),
        .executable(name: "podguard-array-prober", targets: ["ArrayProber"]),
        .executable(name: "podguard-bench", targets: ["PodguardBench"]),
        // MARK: CSI layer and array families (issue "CSI layer, array-family adapters, simulator")
        .library(name: "ArrayFamily", targets: ["ArrayFamily"]),
        .library(name: "Families", targets: [
            "PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily", "UnityFamily", "GenericFamily",
            "FamilyCatalog",
        ]),
        .library(name: "CSI", targets: ["CSI"]),
        .library(name: "CSISimulator", targets: ["CSISimulator"]),
        .executable(name: "podguard-csi-sim", targets: ["CSISimulatorMain"]),
        // MARK: Node simulator
        .library(name: "NodeSimulator", targets: ["NodeSimulator"]),
        .executable(name: "podguard-node-sim", targets: ["NodeSimulatorMain"]),
        // MARK: Adapters
        .library(name: "AdapterKit", targets: ["AdapterKit"]),
        .executable(name: "podguard-adapter-powerflex", targets: ["AdapterPowerFlex"]),
        .executable(name: "podguard-adapter-powerstore", targets: ["AdapterPowerStore"]),
        .executable(name: "podguard-adapter-powerscale", targets: ["AdapterPowerScale"]),
        .executable(name: "podguard-adapter-powermax", targets: ["AdapterPowerMax"]),
        .executable(name: "podguard-adapter-unity", targets: ["AdapterUnity"]),
        .executable(name: "podguard-adapter-generic", targets: ["AdapterGeneric"]),
        // MARK: cri (CRI container listing for the node adapters; podmon-compatible configuration)
        .library(name: "CRI", targets: ["CRI"]),
        .library(name: "CRISimulator", targets: ["CRISimulator"]),
        // MARK: fencing
        .library(name: "FencingService", targets: ["FencingService"]),
        .executable(name: "podguard-fencing", targets: ["Fencing"]),
        // MARK: watcher (products)
        .executable(name: "podguard-watcher", targets: ["Watcher"]),
        // MARK: cleanup (products)
        .executable(name: "podguard-node-cleanup", targets: ["NodeCleanup"]),
        // MARK: demo (products)
        .executable(name: "podguard-demo", targets: ["DemoMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        // Kubernetes API (issue "Kubernetes client").
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        // CSI gRPC over unix sockets (issue "adapters").
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.0.0"),
    ],
    targets: [
        // MARK: Libraries

        /// nats.c from Debian's libnats-dev.
        .systemLibrary(
            name: "CNATS",
            path: "Libraries/CNATS",
            pkgConfig: "libnats",
            providers: [.apt(["libnats-dev"])]
        ),
        /// Async Swift API over nats.c: core pub/sub, request/reply, JetStream, KeyValue, typed protobuf layer.
        .target(
            name: "Bus",
            dependencies: [
                "CNATS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Libraries/Bus",
            swiftSettings: strictSettings
        ),
        /// The bus contract: generated protobuf messages of proto/podguard/v1 and the subject names.
        .target(
            name: "Contracts",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Libraries/Contracts",
            exclude: ["proto-manifest.sha256"]
        ),
        /// What every service shares: configuration, logging, metrics, health, lifecycle.
        .target(
            name: "ServiceKit",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Libraries/ServiceKit",
            swiftSettings: strictSettings
        ),

        /// The bus inside a service: options from configuration, readiness from connection state,
        /// drain on shutdown, and creation of podguard's streams, consumers and buckets.
        .target(
            name: "BusService",
            dependencies: ["Bus", "Contracts", "ServiceKit"],
            path: "Libraries/BusService",
            swiftSettings: strictSettings
        ),

        /// The Kubernetes client inside a service: the `kube.*` keys and the client they configure
        /// (kubeconfig, in-cluster, rate limit, request deadline), the same for every service.
        .target(
            name: "KubeService",
            dependencies: ["Kube", "ServiceKit", .product(name: "Logging", package: "swift-log")],
            path: "Libraries/KubeService",
            swiftSettings: strictSettings
        ),

        /// A focused Kubernetes API client: typed models, list/watch/informer, patch/update with
        /// conflict retry, taints, events, leases and leader election, kubeconfig and in-cluster auth.
        .target(
            name: "Kube",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Libraries/Kube",
            swiftSettings: strictSettings
        ),
        /// A gRPC client over a unix socket, as the CSI and CRI clients share it: the socket address
        /// and its parsing, reconnect with backoff, calls with deadlines, failures classified per protocol.
        .target(
            name: "UnixGRPC",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Libraries/UnixGRPC",
            swiftSettings: strictSettings
        ),
        /// CSI v1 (subset) and Dell's podmon.v1 extension: generated messages and gRPC stubs, and a
        /// client over the driver's unix socket with deadlines, reconnect and podmon's retry rule.
        .target(
            name: "CSI",
            dependencies: [
                "UnixGRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Libraries/CSI",
            swiftSettings: strictSettings
        ),

        /// The failover policy: pure, deterministic functions of recorded inputs (no I/O), so every
        /// rule is table-tested and every decision can be explained and replayed.
        .target(
            name: "Policy",
            dependencies: ["Contracts", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Libraries/Policy",
            swiftSettings: strictSettings
        ),

        // MARK: Array families (issue "CSI layer, array-family adapters, simulator")

        /// What podguard knows about an array family, as one pure protocol and its shared logic:
        /// handle/node-id parsing, taints, node-cleanup paths, per-array queries, the multi-array rule.
        .target(
            name: "ArrayFamily",
            path: "Libraries/ArrayFamily",
            swiftSettings: strictSettings
        ),
        /// One small module of facts per family, each depending only on ArrayFamily.
        .target(name: "PowerFlexFamily", dependencies: ["ArrayFamily"], path: "Libraries/Families/PowerFlex",
                swiftSettings: strictSettings),
        .target(name: "PowerStoreFamily", dependencies: ["ArrayFamily"], path: "Libraries/Families/PowerStore",
                swiftSettings: strictSettings),
        .target(name: "PowerScaleFamily", dependencies: ["ArrayFamily"], path: "Libraries/Families/PowerScale",
                swiftSettings: strictSettings),
        .target(name: "PowerMaxFamily", dependencies: ["ArrayFamily"], path: "Libraries/Families/PowerMax",
                swiftSettings: strictSettings),
        .target(name: "UnityFamily", dependencies: ["ArrayFamily"], path: "Libraries/Families/Unity",
                swiftSettings: strictSettings),
        .target(name: "GenericFamily", dependencies: ["ArrayFamily"], path: "Libraries/Families/Generic",
                swiftSettings: strictSettings),
        /// The family modules podguard serves in one list (family by id or contract family, taint
        /// keys of all), so the services do not each repeat it.
        .target(
            name: "FamilyCatalog",
            dependencies: [
                "ArrayFamily", "Contracts", "Policy",
                "PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily", "UnityFamily", "GenericFamily",
            ],
            path: "Libraries/Families/Catalog",
            swiftSettings: strictSettings
        ),

        // MARK: Services

        /// decision: applies the policy to the state on the bus; claims each remediation with a KV
        /// compare-and-set and queues it for fencing. No Kubernetes credentials.
        .target(
            name: "DecisionService",
            dependencies: [
                "Bus", "BusService", "Contracts", "FamilyCatalog", "Policy", "ServiceKit",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/Decision/DecisionService",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Decision",
            dependencies: ["DecisionService", "BusService", "FamilyCatalog", "ServiceKit"],
            path: "Services/Decision/Main",
            swiftSettings: strictSettings
        ),
        /// array-prober: samples each (family, node) through the controller adapters, applies the
        /// loss threshold per array, publishes ArrayConnectivity; replicas share nodes by lease.
        .target(
            name: "ArrayProberService",
            dependencies: [
                "Bus", "BusService", "Contracts", "Policy", "ServiceKit",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/ArrayProber/ArrayProberService",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ArrayProber",
            dependencies: ["ArrayProberService", "BusService", "ServiceKit"],
            path: "Services/ArrayProber/Main",
            swiftSettings: strictSettings
        ),
        /// `podguard-tap`: prints every podguard message on the bus, decoded; publishes test alerts.
        .executableTarget(
            name: "Tap",
            dependencies: ["ServiceKit", "Bus", "BusService", "Contracts"],
            path: "Services/Tap",
            swiftSettings: strictSettings
        ),

        // MARK: Adapters

        /// What every array-family adapter shares: the bus contract of adapter.proto served over a
        /// CSI driver's socket (requests → CSI/podmon calls → typed replies), CSI health and
        /// readiness, metrics, configuration and graceful shutdown. The executables only pick a family.
        .target(
            name: "AdapterKit",
            dependencies: [
                "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "ServiceKit",
                "CRI",  // cri: list-containers through the node's container runtime
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Libraries/AdapterKit",
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "AdapterPowerFlex", dependencies: ["AdapterKit", "PowerFlexFamily"],
                          path: "Services/Adapters/PowerFlex", swiftSettings: strictSettings),
        .executableTarget(name: "AdapterPowerStore", dependencies: ["AdapterKit", "PowerStoreFamily"],
                          path: "Services/Adapters/PowerStore", swiftSettings: strictSettings),
        .executableTarget(name: "AdapterPowerScale", dependencies: ["AdapterKit", "PowerScaleFamily"],
                          path: "Services/Adapters/PowerScale", swiftSettings: strictSettings),
        .executableTarget(name: "AdapterPowerMax", dependencies: ["AdapterKit", "PowerMaxFamily"],
                          path: "Services/Adapters/PowerMax", swiftSettings: strictSettings),
        .executableTarget(name: "AdapterUnity", dependencies: ["AdapterKit", "UnityFamily"],
                          path: "Services/Adapters/Unity", swiftSettings: strictSettings),
        .executableTarget(name: "AdapterGeneric", dependencies: ["AdapterKit", "GenericFamily", "ServiceKit"],
                          path: "Services/Adapters/Generic", swiftSettings: strictSettings),

        // MARK: Test infrastructure, benchmarks and tests

        /// Starts and stops real infrastructure for tests, benchmarks and the demo (nats-server, ...).
        .target(
            name: "Harness",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/Harness",
            swiftSettings: strictSettings
        ),
        /// `podguard-bench`: prints figures (throughput, latency) beside their targets; never asserts.
        .executableTarget(
            name: "PodguardBench",
            dependencies: [
                "Bus", "Contracts", "Harness",
                // watcher: creates objects in the apiserver and installs the topology; failover: the
                // whole stack of the end-to-end tests, observed through watches.
                "Kube", "BusService", "PodguardStack", "ArrayFamily", "CSISimulator", "NodeSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/Benchmarks/PodguardBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BusTests",
            dependencies: ["Bus", "Contracts", "Harness"],
            path: "Tests/BusTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BusServiceTests",
            dependencies: ["BusService", "Bus", "Contracts", "ServiceKit", "Harness"],
            path: "Tests/BusServiceTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KubeTests",
            dependencies: ["Kube", "Harness"],
            path: "Tests/KubeTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CSITests",
            dependencies: ["CSI", "Harness"],
            path: "Tests/CSITests",
            swiftSettings: strictSettings
        ),
        // MARK: CSI simulator and family tests (issue "CSI layer, array-family adapters, simulator")

        /// A family-faithful CSI driver over a simulated array, in-process for tests and as
        /// `podguard-csi-sim` for the demo, with fault injection and the no-dual-writer invariant.
        .target(
            name: "CSISimulator",
            dependencies: [
                "CSI", "ArrayFamily",
                "PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily", "UnityFamily",
                "GenericFamily",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/CSISimulator",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "CSISimulatorMain",
            dependencies: [
                "CSISimulator", "ArrayFamily",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CSISimulatorMain",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FamilyTests",
            dependencies: [
                "ArrayFamily", "PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily",
                "UnityFamily", "GenericFamily",
            ],
            path: "Tests/FamilyTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CSISimulatorTests",
            dependencies: [
                "CSISimulator", "CSI", "ArrayFamily",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CSISimulatorTests",
            swiftSettings: strictSettings
        ),
        // MARK: Node simulator

        /// Simulated nodes against a real apiserver: kubelets (registration, heartbeats, pods,
        /// volumes), CSI node and controller plugins over one shared simulated array per family, the
        /// external-attacher, driver node pods, and node faults.
        .target(
            name: "NodeSimulator",
            dependencies: [
                "CRISimulator", "CRI",
                "Kube", "CSI", "CSISimulator", "ArrayFamily",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/NodeSimulator",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "NodeSimulatorMain",
            dependencies: [
                "NodeSimulator", "Kube", "ArrayFamily", "CSISimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/NodeSimulatorMain",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NodeSimulatorTests",
            dependencies: [
                "CRI",
                "NodeSimulator", "Kube", "Harness", "CSISimulator", "ArrayFamily", "CSI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/NodeSimulatorTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PolicyTests",
            dependencies: ["Policy", "Contracts"],
            path: "Tests/PolicyTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DecisionServiceTests",
            dependencies: [
                "DecisionService", "Bus", "BusService", "Contracts", "FamilyCatalog", "Policy", "ServiceKit", "Harness",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/DecisionServiceTests",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArrayProberServiceTests",
            dependencies: [
                "ArrayProberService", "Bus", "BusService", "Contracts", "Policy", "ServiceKit", "Harness",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/ArrayProberServiceTests",
            swiftSettings: strictSettings
        ),
        // MARK: Adapters (tests)
        .testTarget(
            name: "AdapterTests",
            dependencies: [
                "AdapterKit", "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "CSISimulator", "Harness",
                "ServiceKit", "PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily",
                "UnityFamily", "GenericFamily",
                "CRI", "CRISimulator",  // cri: node-mode list-containers against the CRI simulator
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/AdapterTests",
            swiftSettings: strictSettings
        ),
        // MARK: watcher (issue 5 item 1)

        /// watcher: mirrors protected pods, nodes, PVCs, PVs, VolumeAttachments and CSI driver node
        /// pods from Kubernetes into NodeState/PodState (KV buckets and subjects); leader-elected.
        .target(
            name: "WatcherService",
            dependencies: [
                "Bus", "BusService", "Contracts", "Kube", "ServiceKit", "ArrayFamily", "FamilyCatalog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/Watcher/WatcherService",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Watcher",
            dependencies: ["WatcherService", "BusService", "Kube", "KubeService", "ServiceKit"],
            path: "Services/Watcher/Main",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WatcherServiceTests",
            dependencies: [
                "WatcherService", "Bus", "BusService", "Contracts", "Kube", "ServiceKit", "Harness",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/WatcherServiceTests",
            swiftSettings: strictSettings
        ),
        // MARK: end watcher

        .testTarget(
            name: "ContractsTests",
            dependencies: ["Contracts"],
            path: "Tests/ContractsTests",
            swiftSettings: strictSettings
        ),
        // MARK: helm (the charts checked without helm: structure, value paths, configuration)

        .testTarget(
            name: "HelmChartTests",
            dependencies: ["Harness", .product(name: "Yams", package: "Yams")],
            path: "Tests/HelmChartTests",
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "ServiceKitTests",
            dependencies: ["ServiceKit", "Harness"],
            path: "Tests/ServiceKitTests",
            swiftSettings: strictSettings
        ),

        // MARK: cri (CRI container listing for the node adapters; podmon-compatible configuration)

        /// The Kubernetes CRI subset podguard uses (runtime.v1 Version, ListContainers): generated
        /// messages and gRPC stubs, and a client over the runtime's unix socket with deadlines and
        /// reconnect that lists the containers of given pods.
        .target(
            name: "CRI",
            dependencies: [
                "UnixGRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Libraries/CRI",
            swiftSettings: strictSettings
        ),
        /// A container runtime serving CRI Version and ListContainers on a unix socket from a
        /// container source the caller supplies (tests, the node simulator, the demo).
        .target(
            name: "CRISimulator",
            dependencies: [
                "CRI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CRISimulator",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CRITests",
            dependencies: [
                "CRI", "CRISimulator", "Harness",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CRITests",
            swiftSettings: strictSettings
        ),

        // MARK: fencing

        /// fencing: pulls FenceRequests and NodeTaintRequests from the work queue, re-checks them
        /// live and carries them out (validate, fence through the adapters, taint, Event, pod delete,
        /// VolumeAttachments, unpublish again), every phase a compare-and-set on the pod's FenceRecord.
        .target(
            name: "FencingService",
            dependencies: [
                "ArrayFamily", "Bus", "BusService", "Contracts", "FamilyCatalog", "Kube", "Policy", "ServiceKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/Fencing/FencingService",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Fencing",
            dependencies: ["FencingService", "BusService", "Contracts", "Kube", "KubeService", "ServiceKit"],
            path: "Services/Fencing/Main",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FencingServiceTests",
            dependencies: [
                "FencingService", "AdapterKit", "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "CSISimulator",
                "FamilyCatalog", "Harness", "Kube", "Policy", "ServiceKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/FencingServiceTests",
            swiftSettings: strictSettings
        ),

        // MARK: cleanup
        /// node-cleanup: one per node; once its node is stable, cleans the pods that were moved away
        /// (NodeUnpublish/NodeUnstage through the local node adapters, zombie check), records it in
        /// their FenceRecords and removes the podguard taint.
        .target(
            name: "NodeCleanupService",
            dependencies: [
                "ArrayFamily", "Bus", "BusService", "Contracts", "FamilyCatalog", "Kube", "Policy", "ServiceKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Services/NodeCleanup/NodeCleanupService",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "NodeCleanup",
            dependencies: ["NodeCleanupService", "BusService", "Contracts", "Kube", "KubeService", "ServiceKit"],
            path: "Services/NodeCleanup/Main",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NodeCleanupServiceTests",
            dependencies: [
                "NodeCleanupService", "AdapterKit", "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "CSISimulator",
                "Harness", "Kube", "Policy", "ServiceKit", "PowerFlexFamily", "PowerStoreFamily",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/NodeCleanupServiceTests",
            swiftSettings: strictSettings
        ),
        // MARK: end cleanup

        // MARK: e2e
        /// The whole of podguard on this machine, for end-to-end tests, the demo and the failover
        /// benchmarks: nats-server, the shared control plane, the simulated cluster and every
        /// service as its own process, with handles to kill, stop and restart them, and an auditor
        /// of DESIGN.md's safety invariants. Independent of any test framework.
        .target(
            name: "PodguardStack",
            dependencies: [
                "ArrayFamily", "Bus", "BusService", "Contracts", "CRI", "CSISimulator", "Harness", "Kube", "NodeSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/PodguardStack",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "PodguardStack", "ArrayFamily", "Bus", "BusService", "Contracts", "CRI", "CSISimulator", "Harness", "Kube", "NodeSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/EndToEndTests",
            swiftSettings: strictSettings
        ),
        // MARK: end e2e

        // MARK: demo
        /// `podguard-demo` (scripts/demo.sh, `make demo`): the whole stack on this machine, a node
        /// failure under one protected StatefulSet per family, shown step by step as it happens.
        .executableTarget(
            name: "DemoMain",
            dependencies: [
                "PodguardStack", "ArrayFamily", "Contracts", "CSISimulator", "Harness", "Kube", "NodeSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DemoMain",
            swiftSettings: strictSettings
        ),
        // MARK: end demo
    ],
    swiftLanguageModes: [.v6]
)
