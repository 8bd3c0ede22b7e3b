import Foundation
import Logging
import Synchronization

/// Lease-based leader election (coordination.k8s.io/v1), as client-go's `leaderelection`:
/// acquire the Lease when free or expired, renew it every `retryPeriod`, step down when renewal
/// fails for `renewDeadline` or another candidate took it, and release it on shutdown.
///
/// ```swift
/// let elector = LeaderElector(client: client, configuration: .init(namespace: "podguard", leaseName: "watcher", identity: podName))
/// let election = Task { await elector.run() }     // cancel to release and stop
/// for await change in elector.changes {
///     switch change {
///     case .acquired: startLeading()
///     case .lost: stopLeading()
///     case .observedLeader: break
///     }
/// }
/// ```
public final class LeaderElector: Sendable {
    public let configuration: LeaderElectionConfiguration
    /// Leadership changes, one consumer.
    public let changes: AsyncStream<LeadershipChange>
    private let continuation: AsyncStream<LeadershipChange>.Continuation
    private let client: KubeClient
    private let state: Mutex<LeaderElectionState>
    private let start = ContinuousClock.now

    public init(client: KubeClient, configuration: LeaderElectionConfiguration) {
        self.client = client
        self.configuration = configuration
        self.state = Mutex(LeaderElectionState(identity: configuration.identity, leaseDuration: configuration.leaseDuration, renewDeadline: configuration.renewDeadline))
        (changes, continuation) = AsyncStream<LeadershipChange>.makeStream()
    }

    public var isLeader: Bool { state.withLock { $0.isLeader } }

    /// Campaigns and leads until the task is cancelled; then releases the lease (if held and
    /// configured) and finishes ``changes``.
    public func run() async {
        var lastObservedHolder: String?? = .none
        while !Task.isCancelled {
            let now = ContinuousClock.now - start
            do {
                let holder = try await tryAcquireOrRenew(now: now)
                if holder == configuration.identity {
                    if state.withLock({ $0.renewed(now: now) }) { continuation.yield(.acquired) }
                } else {
                    if let reason = state.withLock({ $0.failed(now: now, heldBy: holder) }) {
                        continuation.yield(.lost(reason: reason))
                    }
                }
                if lastObservedHolder != .some(holder) {
                    lastObservedHolder = .some(holder)
                    continuation.yield(.observedLeader(holder))
                }
            } catch is CancellationError {
                break
            } catch {
                client.logger.debug("lease acquire/renew failed", metadata: ["lease": "\(configuration.leaseName)", "error": "\(error)"])
                if let reason = state.withLock({ $0.failed(now: now, heldBy: nil) }) {
                    continuation.yield(.lost(reason: reason))
                }
            }
            do { try await Task.sleep(for: configuration.retryPeriod) } catch { break }
        }
        if state.withLock({ $0.cancel() }) {
            // The run task is cancelled by now and the client refuses to start requests in a
            // cancelled task: release from a fresh one.
            if configuration.releaseOnCancel { await Task { await self.release() }.value }
            continuation.yield(.lost(reason: "released on shutdown"))
        }
        continuation.finish()
    }

    /// One round: reads the Lease, writes this candidate in when allowed. Returns the holder after
    /// the round (this identity on success). A lost write race (409) just leaves the other holder.
    private func tryAcquireOrRenew(now: Duration) async throws -> String? {
        let timeout = min(configuration.renewDeadline, .seconds(10))
        let wallNow = Date()
        guard var lease = try await client.getIfPresent(Lease.self, name: configuration.leaseName, namespace: configuration.namespace) else {
            var lease = Lease(name: configuration.leaseName, namespace: configuration.namespace)
            lease.spec = LeaseSpec(holderIdentity: configuration.identity, leaseDurationSeconds: seconds(configuration.leaseDuration),
                                   acquireTime: wallNow, renewTime: wallNow, leaseTransitions: 0)
            do {
                _ = try await client.create(lease, timeout: timeout)
                return configuration.identity
            } catch let error as KubeError where error.isAlreadyExists {
                return nil
            }
        }
        let spec = lease.spec ?? LeaseSpec()
        guard state.withLock({ $0.mayAcquire(spec, now: now) }) else { return spec.holderIdentity }
        var updated = spec
        if spec.holderIdentity != configuration.identity {
            updated.acquireTime = wallNow
            updated.leaseTransitions = (spec.leaseTransitions ?? 0) + ((spec.holderIdentity ?? "").isEmpty ? 0 : 1)
        }
        updated.holderIdentity = configuration.identity
        updated.leaseDurationSeconds = seconds(configuration.leaseDuration)
        updated.renewTime = wallNow
        lease.spec = updated
        do {
            _ = try await client.update(lease, timeout: timeout)
            return configuration.identity
        } catch let error as KubeError where error.isConflict {
            return (try? await client.get(Lease.self, name: configuration.leaseName, namespace: configuration.namespace))?.spec?.holderIdentity
        }
    }

    /// Gives the lease up: empty holder, 1 s duration, so the next candidate takes it at once.
    private func release() async {
        do {
            try await client.update(Lease.self, name: configuration.leaseName, namespace: configuration.namespace, maxAttempts: 3) { lease in
                guard lease.spec?.holderIdentity == configuration.identity else { return }
                lease.spec?.holderIdentity = nil
                lease.spec?.leaseDurationSeconds = 1
                lease.spec?.renewTime = Date()
            }
        } catch {
            client.logger.warning("could not release the lease", metadata: ["lease": "\(configuration.leaseName)", "error": "\(error)"])
        }
    }

    private func seconds(_ duration: Duration) -> Int32 {
        Int32(max(1, duration.components.seconds))
    }
}
