/// How often and how long to wait before trying a GET again (SPEC §1 "bounded retries with
/// backoff"): exponential backoff with jitter, or the server's `Retry-After` when it gives one.
package struct RetryPolicy: Sendable {
    /// Tries after the first.
    package var retries: Int
    /// The wait before the first retry, before jitter; it doubles at each retry.
    package var baseDelay: Double
    /// No backoff wait is longer than this.
    package var maxDelay: Double
    /// A `Retry-After` longer than this is cut to it, so that a cron job is not held for hours.
    package var maxRetryAfter: Double

    /// The defaults are jianfu's: waits of about 1, 2, 4 … s up to 30 s; a `Retry-After` up to 60 s.
    package init(retries: Int, baseDelay: Double = 1, maxDelay: Double = 30, maxRetryAfter: Double = 60) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait after try `tries` failed with `failure`: the server's `Retry-After`
    /// (capped), else `min(maxDelay, baseDelay · 2^(tries-1))` scaled by a random factor in
    /// [0.5, 1] ("equal jitter"), so that many jobs failing together do not retry together.
    package func delay(afterTry tries: Int, failure: HTTPFailure) -> Double {
        if let retryAfter = failure.retryAfter { return min(Double(retryAfter), maxRetryAfter) }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(max(tries - 1, 0), 20)))
        return ceiling * Double.random(in: 0.5...1)
    }
}
