// swift-tools-version:6.2
// podguard: stateful-workload failover for Kubernetes, as Swift services over NATS.
//
// One owner edits this file. Dependencies are deliberate: CI builds everything from scratch on
// every run, so each package here must earn its build minutes. Targets are listed by layer, each
// layer depending only on those above it: the bus contract and foundations, clients, policy and
// array families, the service kits, the services (each a library, a main and its tests), then
// simulators, the test stack and tools. docs/architecture.md draws the layers.

import PackageDescription

// MARK: - Helpers

/// Swift 6 with the upcoming checks, for every hand-written module (Contracts is generated code).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

func library(_ name: String, _ path: String, _ dependencies: [Target.Dependency] = [], exclude: [String] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: path, exclude: exclude, swiftSettings: strict)
}

func executable(_ name: String, _ path: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: path, swiftSettings: strict)
}

func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, path: "Tests/\(name)", swiftSettings: strict)
}

/// A service: its pure core `<Name>Core` when it has one (Services/<Name>/<Name>Core: policy,
/// state machines and message building, which may import only the contract, policy and family
/// modules, so the compiler keeps I/O out), `<Name>Service` (Services/<Name>/<Name>Service: the
/// I/O around it), its `main` (Services/<Name>/Main) and `<Name>ServiceTests`.
func service(_ name: String, core coreDependencies: [Target.Dependency]? = nil, library dependencies: [Target.Dependency],
             main: [Target.Dependency], tests testDependencies: [Target.Dependency]) -> [Target] {
    let service = "\(name)Service"
    let core: [Target.Dependency] = coreDependencies == nil ? [] : [.target(name: "\(name)Core")]
    return (coreDependencies.map { [library("\(name)Core", "Services/\(name)/\(name)Core", $0)] } ?? []) + [
        library(service, "Services/\(name)/\(service)", core + dependencies),
        executable(name, "Services/\(name)/Main", [.target(name: service)] + core + main),
        tests("\(service)Tests", [.target(name: service)] + core + testDependencies),
    ]
}


let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let grpcCore = Target.Dependency.product(name: "GRPCCore", package: "grpc-swift-2")
let grpcHTTP2 = Target.Dependency.product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")
let grpcProtobuf = Target.Dependency.product(name: "GRPCProtobuf", package: "grpc-swift-protobuf")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdHTTP2 = Target.Dependency.product(name: "HummingbirdHTTP2", package: "hummingbird")
let hummingbirdCore = Target.Dependency.product(name: "HummingbirdCore", package: "hummingbird")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let protobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")

/// What a service's pure core may import: the contract and the policy (no I/O module).
let pure: [Target.Dependency] = ["Contracts", "Policy", protobuf]

let familyModules: [Target.Dependency] = [
    "PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily", "UnityFamily", "GenericFamily",
]

// MARK: - Layer 1: the bus contract and what every process shares

var foundations: [Target] { [
    /// The bus contract: generated protobuf messages of proto/podguard/v1, subjects, keys, topology.
    .target(name: "Contracts", dependencies: [protobuf], path: "Libraries/Contracts", exclude: ["proto-manifest.sha256"]),
    /// nats.c from Debian's libnats-dev.
    .systemLibrary(name: "CNATS", path: "Libraries/CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
    /// Async Swift API over nats.c: core pub/sub, request/reply, JetStream, KeyValue, typed protobuf layer.
    library("Bus", "Libraries/Bus", [
        "CNATS", logging, metrics, protobuf, .product(name: "NIOPosix", package: "swift-nio"),
    ]),
    /// What every service shares: configuration, logging, metrics, health, lifecycle.
    library("ServiceKit", "Libraries/ServiceKit", [
        logging, metrics, serviceLifecycle, yams, hummingbird,
        .product(name: "Prometheus", package: "swift-prometheus"),
    ]),
] }

// MARK: - Layer 2: clients of the outside world

var clients: [Target] { [
    /// A focused Kubernetes API client: typed models, list/watch/informer, patch/update with
    /// conflict retry, taints, events, leases and leader election, kubeconfig and in-cluster auth.
    library("Kube", "Libraries/Kube", [
        asyncHTTPClient, nioCore, nioHTTP1, logging, metrics, yams,
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOFoundationCompat", package: "swift-nio"),
        nioSSL,
    ]),
    /// A gRPC client over a unix socket, as the CSI and CRI clients share it: the socket address
    /// and its parsing, reconnect with backoff, calls with deadlines, failures classified per protocol.
    library("UnixGRPC", "Libraries/UnixGRPC", [grpcCore, grpcHTTP2, logging]),
    /// CSI v1 (subset) and Dell's podmon.v1 extension: generated messages and gRPC stubs, and a
    /// client over the driver's unix socket with deadlines, reconnect and podmon's retry rule.
    library("CSI", "Libraries/CSI", ["UnixGRPC", grpcCore, grpcHTTP2, grpcProtobuf, protobuf, logging]),
    /// The Kubernetes CRI subset podguard uses (runtime.v1 Version, ListContainers): generated
    /// messages and gRPC stubs, and a client that lists the containers of given pods.
    library("CRI", "Libraries/CRI", ["UnixGRPC", grpcCore, grpcHTTP2, grpcProtobuf, protobuf, logging]),
    /// The ClusterLabs fence agents (Debian fence-agents) run as child processes: a node's power
    /// read, switched off and confirmed off, options and password on the agent's standard input.
    library("FenceAgents", "Libraries/FenceAgents"),
] }

// MARK: - Layer 3: policy and array families (pure)

var policyAndFamilies: [Target] { [
    /// The failover policy: pure, deterministic functions of recorded inputs (no I/O), so every
    /// rule is table-tested and every decision can be explained and replayed.
    library("Policy", "Libraries/Policy", ["Contracts", protobuf]),
    /// What podguard knows about an array family, as one pure protocol and its shared logic:
    /// handle/node-id parsing, taints, node-cleanup paths, per-array queries, the multi-array rule.
    library("ArrayFamily", "Libraries/ArrayFamily"),
    /// One small module of facts per family, each depending only on ArrayFamily.
    library("PowerFlexFamily", "Libraries/Families/PowerFlex", ["ArrayFamily"]),
    library("PowerStoreFamily", "Libraries/Families/PowerStore", ["ArrayFamily"]),
    library("PowerScaleFamily", "Libraries/Families/PowerScale", ["ArrayFamily"]),
    library("PowerMaxFamily", "Libraries/Families/PowerMax", ["ArrayFamily"]),
    library("UnityFamily", "Libraries/Families/Unity", ["ArrayFamily"]),
    library("GenericFamily", "Libraries/Families/Generic", ["ArrayFamily"]),
    /// The family modules podguard serves in one list (family by id or contract family, taint
    /// keys of all), so the services do not each repeat it.
    library("FamilyCatalog", "Libraries/Families/Catalog", ["ArrayFamily", "Contracts", "Policy"] + familyModules),
] }

// MARK: - Layer 4: the service kits

var serviceKits: [Target] { [
    /// The bus inside a service: options from configuration, one start-up (`PodguardBus`), readiness
    /// from connection state, drain on shutdown, the topology, bucket followers, the FenceRecord store.
    library("BusService", "Libraries/BusService", ["Bus", "Contracts", "ServiceKit", metrics, protobuf]),
    /// The node remediation ladders as configured (`remediation.ladder*` keys), read alike by
    /// fencing, which climbs them, and decision, which names them in its records.
    library("LadderSettings", "Libraries/LadderSettings", ["Policy", "ServiceKit"]),
    /// The Kubernetes client inside a service: the `kube.*` keys and the client they configure.
    library("KubeService", "Libraries/KubeService", ["Kube", "ServiceKit", logging, serviceLifecycle]),
    /// What every array-family adapter shares: the bus contract of adapter.proto served over a
    /// CSI driver's socket (requests → CSI/podmon calls → typed replies), CSI health and
    /// readiness, CRI list-containers, metrics, configuration and graceful shutdown.
    library("AdapterKit", "Libraries/AdapterKit", [
        "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "CRI", "ServiceKit",
        grpcCore, logging, metrics, serviceLifecycle, protobuf,
    ]),
] }

// MARK: - Layer 5: the services

var services: [Target] {
    /// watcher: mirrors protected pods, nodes, PVCs, PVs, VolumeAttachments and CSI driver node
    /// pods from Kubernetes into NodeState/PodState (KV buckets and subjects); leader-elected.
    service("Watcher",
            library: ["Bus", "BusService", "Contracts", "Kube", "KubeService", "ServiceKit", "ArrayFamily", "FamilyCatalog",
                      logging, metrics, serviceLifecycle, protobuf],
            main: ["BusService", "Kube", "KubeService", "ServiceKit"],
            tests: ["Bus", "BusService", "Contracts", "Kube", "KubeService", "ServiceKit", "Harness", "TestSupport", logging, protobuf])
    /// array-prober: samples each (family, node) through the controller adapters, applies the
    /// loss threshold per array, publishes ArrayConnectivity; replicas share nodes by lease.
    + service("ArrayProber", core: pure,
              library: ["Bus", "BusService", "Contracts", "Policy", "ServiceKit", protobuf],
              main: ["BusService", "ServiceKit"],
              tests: ["Bus", "BusService", "Contracts", "ServiceKit", "Harness", protobuf])
    /// decision: applies the policy to the state on the bus; starts each remediation with a KV
    /// compare-and-set and queues it for fencing. No Kubernetes credentials.
    + service("Decision", core: pure,
              library: ["Bus", "BusService", "Contracts", "FamilyCatalog", "LadderSettings", "Policy", "ServiceKit", protobuf],
              main: ["BusService", "FamilyCatalog", "ServiceKit"],
              tests: ["Bus", "BusService", "Contracts", "FamilyCatalog", "Policy", "ServiceKit", "Harness", protobuf])
    /// fencing: pulls FenceRequests and NodeTaintRequests from the work queue, re-checks them
    /// live and carries them out (validate, fence through the adapters, taint, Event, pod delete,
    /// VolumeAttachments, unpublish again), every phase a compare-and-set on the pod's FenceRecord.
    + service("Fencing", core: pure,
              library: ["ArrayFamily", "Bus", "BusService", "Contracts", "FamilyCatalog", "FenceAgents", "Kube", "LadderSettings", "Policy", "ServiceKit",
                        logging, metrics, serviceLifecycle, protobuf],
              main: ["BusService", "Contracts", "Kube", "KubeService", "ServiceKit"],
              tests: ["AdapterKit", "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "CSISimulator",
                      "FamilyCatalog", "FenceAgents", "Harness", "TestSupport", "Kube", "Policy", "ServiceKit",
                      logging, serviceLifecycle, protobuf])
    /// node-cleanup: one per node; once its node is stable, cleans the pods that were moved away
    /// (NodeUnpublish/NodeUnstage through the local node adapters, zombie check), records it in
    /// their FenceRecords and removes the podguard taint.
    + service("NodeCleanup", core: pure + ["ArrayFamily", "FamilyCatalog"],
              library: ["ArrayFamily", "Bus", "BusService", "Contracts", "FamilyCatalog", "Kube", "Policy", "ServiceKit",
                        logging, metrics, serviceLifecycle, protobuf],
              main: ["BusService", "Contracts", "Kube", "KubeService", "ServiceKit"],
              tests: ["AdapterKit", "ArrayFamily", "Bus", "BusService", "Contracts", "CSI", "CSISimulator",
                      "Harness", "TestSupport", "Kube", "Policy", "ServiceKit", "PowerFlexFamily", logging, serviceLifecycle, protobuf])
    /// statefulcluster: the StatefulCluster controller (CRD statefulclusters.enge.me): pods that
    /// never reuse an identity, each with claims of its own; leader-elected, Kubernetes only. Its
    /// core imports nothing: the reconcile rules cannot reach a client.
    + service("StatefulCluster", core: [],
              library: ["ArrayFamily", "FamilyCatalog", "Kube", "KubeService", "ServiceKit", logging, metrics, serviceLifecycle],
              main: ["Kube", "KubeService", "ServiceKit"],
              tests: ["Harness", "Kube", "KubeService", "ServiceKit", "TestSupport", logging])
    /// alert-relay: delivers every Alert from PODGUARD_ALERTS to Alertmanager's v2 API and to
    /// HMAC-signed webhooks; a durable consumer shared by its replicas, retried with backoff,
    /// each receiver's delivery recorded so a redelivery sends nothing twice.
    + service("AlertRelay", core: pure + [crypto],
              library: ["Bus", "BusService", "Contracts", "ServiceKit", asyncHTTPClient, nioCore, nioHTTP1, logging, metrics, serviceLifecycle, protobuf],
              main: ["BusService", "Contracts", "ServiceKit"],
              tests: ["Bus", "BusService", "Contracts", "ServiceKit", "Harness", "TestSupport", "PodguardStack", logging, protobuf, crypto])
    + [
        /// The adapters: each executable only picks its family.
        executable("AdapterPowerFlex", "Services/Adapters/PowerFlex", ["AdapterKit", "PowerFlexFamily"]),
        executable("AdapterPowerStore", "Services/Adapters/PowerStore", ["AdapterKit", "PowerStoreFamily"]),
        executable("AdapterPowerScale", "Services/Adapters/PowerScale", ["AdapterKit", "PowerScaleFamily"]),
        executable("AdapterPowerMax", "Services/Adapters/PowerMax", ["AdapterKit", "PowerMaxFamily"]),
        executable("AdapterUnity", "Services/Adapters/Unity", ["AdapterKit", "UnityFamily"]),
        executable("AdapterGeneric", "Services/Adapters/Generic", ["AdapterKit", "GenericFamily", "ServiceKit"]),
        /// `podguard-tap`: prints every podguard message on the bus, decoded; publishes test alerts.
        executable("Tap", "Services/Tap", ["ServiceKit", "Bus", "BusService", "Contracts"]),
        /// `podguard-bus`: installs the bus topology as its administrator; renders the NATS users and
        /// permissions (and their docs) from the contract.
        executable("BusAdmin", "Services/BusAdmin", ["ServiceKit", "Bus", "BusService", "Contracts", argumentParser, logging]),
    ]
}

// MARK: - Layer 6: the far side of the cluster, simulated (apart from the product)

var simulators: [Target] { [
    /// A family-faithful CSI driver over a simulated array, in-process for tests and as
    /// `podguard-csi-sim` for the demo, with fault injection and the no-dual-writer invariant.
    /// The unix-socket gRPC server the CSI and CRI simulators share.
    library("SimulatorServer", "Simulators/SimulatorServer", [grpcCore, grpcHTTP2, logging]),
    library("CSISimulator", "Simulators/CSISimulator", ["CSI", "ArrayFamily", "SimulatorServer", grpcCore, logging, hummingbird] + familyModules),
    executable("CSISimulatorMain", "Simulators/CSISimulatorMain", ["CSISimulator", "ArrayFamily", argumentParser, hummingbird, nioCore, logging]),
    /// A container runtime serving CRI Version and ListContainers on a unix socket from a
    /// container source the caller supplies (tests, the node simulator, the demo).
    library("CRISimulator", "Simulators/CRISimulator", ["CRI", "SimulatorServer", grpcCore, logging]),
    /// Simulated nodes against a real apiserver: kubelets (registration, heartbeats, pods,
    /// volumes), CSI node and controller plugins over one shared simulated array per family, the
    /// external-attacher, driver node pods, and node faults.
    library("NodeSimulator", "Simulators/NodeSimulator", ["CRISimulator", "CRI", "Kube", "CSI", "CSISimulator", "ArrayFamily", logging, hummingbird]),
    executable("NodeSimulatorMain", "Simulators/NodeSimulatorMain", ["NodeSimulator", "Kube", "ArrayFamily", argumentParser, hummingbird, logging]),
] }

// MARK: - Layer 7: the test stack

var testStack: [Target] { [
    /// Starts and stops real infrastructure for tests, benchmarks and the demo (nats-server, the
    /// control plane, child processes).
    library("Harness", "Testing/Harness"),
    /// What the suites share against real infrastructure: one admin client of the shared control
    /// plane, a namespace per test, a nats-server with the topology installed, `eventually`.
    library("TestSupport", "Testing/TestSupport", ["Harness", "Kube", "Bus", "BusService", "Contracts", logging]),
    /// The whole of podguard on this machine, for end-to-end tests, the demo and the failover
    /// benchmarks: nats-server, the shared control plane, the simulated cluster and every
    /// service as its own process, with handles to kill, stop and restart them, and an auditor
    /// of the safety invariants. Independent of any test framework.
    library("PodguardStack", "Testing/PodguardStack", [
        "AlertRelayCore", "ArrayFamily", "Bus", "BusService", "Contracts", "CRI", "CSISimulator", "Harness", "Kube", "NodeSimulator", "TestSupport",
        asyncHTTPClient, crypto, httpTypes, hummingbird, hummingbirdCore, hummingbirdHTTP2, nioCore, nioHTTP1, nioSSL, logging, protobuf, yams,
    ]),
] }

// MARK: - Layer 8: tools

var tools: [Target] { [
    /// `podguard` (also `kubectl-podguard`), the operator's CLI. OperatorViews turns records into
    /// answers (status, explain, history) and renders them as tables, JSON or YAML: pure, so every
    /// wording is tested without a bus. OperatorClient reads and writes the bus (and a node's
    /// approval annotation); the executable is the argument parsing around both.
    library("OperatorViews", "Tools/PodguardCLI/OperatorViews", ["Contracts", "Policy", protobuf, yams]),
    library("OperatorClient", "Tools/PodguardCLI/OperatorClient", [
        "Bus", "BusService", "Contracts", "Kube", "OperatorViews", "Policy", "ServiceKit", logging, protobuf,
    ]),
    executable("PodguardCLI", "Tools/PodguardCLI/Main", ["OperatorClient", "OperatorViews", "Contracts", "BusService", "ServiceKit", argumentParser, logging]),
    /// `podguard-bench`: prints figures (throughput, latency) beside their targets; never asserts.
    executable("PodguardBench", "Tools/PodguardBench", [
        "Bus", "Contracts", "Harness", "Kube", "BusService", "PodguardStack", "ArrayFamily", "CSISimulator", "NodeSimulator",
        argumentParser, logging, protobuf,
    ]),
    /// `podguard-fuzz` (scripts/fuzz.sh, `make fuzz`, docs/fuzzing.md): libFuzzer targets for every
    /// decoder of outside bytes, so only the decoding modules: no bus connection, services or harness.
    /// Its seed corpus (Corpus/<target>/) lives beside the sources.
    .executableTarget(name: "PodguardFuzz", dependencies: [
        "Contracts", "Kube", "KubeService", "ServiceKit", "LadderSettings", "Policy", "ArrayFamily", "CSI", "CRI",
        grpcCore, grpcProtobuf, protobuf,
    ] + familyModules, path: "Tools/PodguardFuzz", exclude: ["Corpus"], swiftSettings: strict),
    /// `podguard-demo` (scripts/demo.sh, `make demo`): the whole stack on this machine, a node
    /// failure under one protected StatefulSet per family, shown step by step as it happens.
    executable("DemoMain", "Tools/DemoMain", [
        "PodguardStack", "ArrayFamily", "Contracts", "CSISimulator", "Harness", "Kube", "NodeSimulator", argumentParser, logging,
    ]),
] }

// MARK: - Tests of the libraries, simulators and the whole

var testTargets: [Target] { [
    tests("ContractsTests", ["Contracts", "Harness"]),
    tests("BusTests", ["Bus", "Contracts", "Harness"]),
    tests("ServiceKitTests", ["ServiceKit", "Harness"]),
    tests("BusServiceTests", ["BusService", "Bus", "Contracts", "ServiceKit", "Harness", logging]),
    tests("KubeTests", ["Kube", "Harness", "TestSupport"]),
    tests("CSITests", ["CSI", "Harness"]),
    tests("FenceAgentsTests", ["FenceAgents", "Harness"]),
    tests("CRITests", ["CRI", "CRISimulator", "Harness", grpcCore, grpcHTTP2, grpcProtobuf, protobuf, logging]),
    tests("PolicyTests", ["Policy", "Contracts", "Harness"]),
    tests("FamilyTests", ["ArrayFamily"] + familyModules),
    tests("AdapterTests", [
        "AdapterKit", "ArrayFamily", "Bus", "Contracts", "CSI", "CSISimulator", "Harness", "ServiceKit", "CRI", "CRISimulator",
        grpcCore, logging, serviceLifecycle, protobuf,
    ]),
    tests("CSISimulatorTests", ["CSISimulator", "CSI", "ArrayFamily", logging]),
    tests("NodeSimulatorTests", [
        "CRI", "NodeSimulator", "Kube", "Harness", "TestSupport", "CSISimulator", "ArrayFamily", "CSI", "FenceAgents", logging, asyncHTTPClient,
        nioCore, nioHTTP1,
    ]),
    /// The charts checked without helm: structure, value paths, configuration.
    tests("HelmChartTests", ["Harness", yams]),
    tests("OperatorTests", ["OperatorViews", "OperatorClient", "Contracts", "Policy", "Bus", "BusService", "Harness", "TestSupport", "Kube", logging, protobuf]),
    tests("EndToEndTests", ["PodguardStack", "ArrayFamily", "Bus", "BusService", "Contracts", "CRI", "CSISimulator", "Harness", "Kube", "TestSupport",
                            "NodeSimulator", logging, protobuf]),
] }

// MARK: - Package

let package = Package(
    name: "podguard",
    platforms: [.macOS(.v15)],
    products: [
        // Libraries others may build on.
        .library(name: "Bus", targets: ["Bus"]),
        .library(name: "Contracts", targets: ["Contracts"]),
        .library(name: "ServiceKit", targets: ["ServiceKit"]),
        .library(name: "BusService", targets: ["BusService"]),
        .library(name: "CSI", targets: ["CSI"]),
        .library(name: "CRI", targets: ["CRI"]),
        .library(name: "ArrayFamily", targets: ["ArrayFamily"]),
        .library(name: "Families", targets: ["PowerFlexFamily", "PowerStoreFamily", "PowerScaleFamily", "PowerMaxFamily",
                                             "UnityFamily", "GenericFamily", "FamilyCatalog"]),
        .library(name: "AdapterKit", targets: ["AdapterKit"]),
        .library(name: "FencingService", targets: ["FencingService"]),
        // The services.
        .executable(name: "podguard-watcher", targets: ["Watcher"]),
        .executable(name: "podguard-array-prober", targets: ["ArrayProber"]),
        .executable(name: "podguard-decision", targets: ["Decision"]),
        .executable(name: "podguard-fencing", targets: ["Fencing"]),
        .executable(name: "podguard-node-cleanup", targets: ["NodeCleanup"]),
        .executable(name: "podguard-adapter-powerflex", targets: ["AdapterPowerFlex"]),
        .executable(name: "podguard-adapter-powerstore", targets: ["AdapterPowerStore"]),
        .executable(name: "podguard-adapter-powerscale", targets: ["AdapterPowerScale"]),
        .executable(name: "podguard-adapter-powermax", targets: ["AdapterPowerMax"]),
        .executable(name: "podguard-adapter-unity", targets: ["AdapterUnity"]),
        .executable(name: "podguard-adapter-generic", targets: ["AdapterGeneric"]),
        .executable(name: "podguard-tap", targets: ["Tap"]),
        .executable(name: "podguard-bus", targets: ["BusAdmin"]),
        .executable(name: "podguard-statefulcluster", targets: ["StatefulCluster"]),
        .executable(name: "podguard-alert-relay", targets: ["AlertRelay"]),
        .executable(name: "podguard", targets: ["PodguardCLI"]),
        // Simulators and tools.
        .library(name: "CSISimulator", targets: ["CSISimulator"]),
        .library(name: "CRISimulator", targets: ["CRISimulator"]),
        .library(name: "NodeSimulator", targets: ["NodeSimulator"]),
        .executable(name: "podguard-csi-sim", targets: ["CSISimulatorMain"]),
        .executable(name: "podguard-node-sim", targets: ["NodeSimulatorMain"]),
        .executable(name: "podguard-bench", targets: ["PodguardBench"]),
        .executable(name: "podguard-demo", targets: ["DemoMain"]),
        .executable(name: "podguard-fuzz", targets: ["PodguardFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        // Already built for hummingbird; named for the header types its requests carry.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        // The Kubernetes API over HTTPS.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        // CSI and CRI gRPC over unix sockets.
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.0.0"),
    ],
    targets: foundations + clients + policyAndFamilies + serviceKits + services + simulators + testStack + tools + testTargets,
    swiftLanguageModes: [.v6]
)
