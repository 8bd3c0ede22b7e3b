import Foundation
import Kube
import Synchronization
import Testing

@Suite("Rate limit, backoff, retries and token re-reading (pure)")
struct ReliabilityTests {
    @Test func tokenBucketAllowsBurstThenPacesAtTheRate() {
        var bucket = TokenBucket(rate: 5, burst: 3)
        #expect((0..<3).map { _ in bucket.reserve(now: .zero) } == [.zero, .zero, .zero])
        // Empty: the next callers queue 0.2 s apart.
        #expect(bucket.reserve(now: .zero) == .milliseconds(200))
        #expect(bucket.reserve(now: .zero) == .milliseconds(400))
        // After 2 s the debt (2 tokens) is paid and the bucket is full again (capped at burst).
        #expect(bucket.available(now: .seconds(2)) == 3 - 0)
        #expect(bucket.available(now: .seconds(100)) == 3)
        #expect(bucket.reserve(now: .seconds(100)) == .zero)
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), factor: 2)
        #expect((0..<6).map { backoff.ceiling(attempt: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(backoff.delay(attempt: 2, unit: 0) == .milliseconds(200))
        #expect(backoff.delay(attempt: 2, unit: 1) == .milliseconds(400))
        for attempt in 0..<20 {
            let delay = backoff.delay(attempt: attempt)
            #expect(delay > .zero && delay <= .seconds(1))
        }
    }

    @Test func retryPolicyRetriesOnlyWhatIsSafe() {
        let policy = RetryPolicy(maxAttempts: 3, backoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1)))
        #expect(policy.decide(outcome: .status(429, retryAfter: .seconds(2)), attempt: 0, idempotent: false, unit: 1) == .retry(after: .seconds(2)))
        #expect(policy.decide(outcome: .status(429, retryAfter: .seconds(3600)), attempt: 0, idempotent: true, unit: 1) == .retry(after: .seconds(30)))
        #expect(policy.decide(outcome: .status(503, retryAfter: nil), attempt: 0, idempotent: true, unit: 1) == .retry(after: .milliseconds(100)))
        #expect(policy.decide(outcome: .status(503, retryAfter: nil), attempt: 0, idempotent: false, unit: 1) == .fail)
        #expect(policy.decide(outcome: .status(409, retryAfter: nil), attempt: 0, idempotent: true, unit: 1) == .fail)
        #expect(policy.decide(outcome: .notSent, attempt: 0, idempotent: false, unit: 1) == .retry(after: .milliseconds(100)))
        #expect(policy.decide(outcome: .connectionLost, attempt: 0, idempotent: false, unit: 1) == .fail)
        #expect(policy.decide(outcome: .connectionLost, attempt: 1, idempotent: true, unit: 1) == .retry(after: .milliseconds(200)))
        #expect(policy.decide(outcome: .notSent, attempt: 2, idempotent: true, unit: 1) == .fail, "attempts exhausted")
        #expect(RetryPolicy.parseRetryAfter(" 7 ") == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
    }

    @Test func tokenFileIsReReadAfterItsIntervalAndAfterA401() throws {
        let reads = Mutex(0)
        let contents = Mutex("token-1")
        let source = BearerTokenSource(credentials: .tokenFile(path: "/unused", reReadInterval: .seconds(60))) { _ in
            reads.withLock { $0 += 1 }
            return contents.withLock { $0 }
        }
        let start = ContinuousClock.now
        #expect(try source.authorization(now: start) == "Bearer token-1")
        contents.withLock { $0 = "token-2" }
        #expect(try source.authorization(now: start + .seconds(59)) == "Bearer token-1", "cached within the interval")
        #expect(try source.authorization(now: start + .seconds(61)) == "Bearer token-2", "re-read after it")
        contents.withLock { $0 = "token-3" }
        #expect(source.invalidate())
        #expect(try source.authorization(now: start + .seconds(62)) == "Bearer token-3", "re-read after a 401")
        #expect(reads.withLock { $0 } == 3)
        #expect(!BearerTokenSource(credentials: .bearerToken("x")).invalidate())
        #expect(try BearerTokenSource(credentials: .basic(username: "u", password: "p")).authorization() == "Basic dTpw")
    }
}
