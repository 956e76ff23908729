import Testing
@testable import JianfuHTTP

/// The small pure parts of the client: backoff, Retry-After, origins, messages.
@Suite struct HTTPClientTests {
    @Test func backoffDoublesWithJitterAndRetryAfterIsCapped() {
        let policy = RetryPolicy(retries: 5)
        for _ in 0..<50 {
            // base 1 s: try 1 → [0.5, 1], try 2 → [1, 2], try 3 → [2, 4]; capped at 30 s.
            #expect((0.5...1).contains(policy.delay(afterTry: 1, failure: .status(500, retryAfter: nil))))
            #expect((1...2).contains(policy.delay(afterTry: 2, failure: .connection(detail: ""))))
            #expect((2...4).contains(policy.delay(afterTry: 3, failure: .timedOut(detail: ""))))
            #expect((15...30).contains(policy.delay(afterTry: 12, failure: .status(503, retryAfter: nil))))
        }
        #expect(policy.delay(afterTry: 1, failure: .status(503, retryAfter: 7)) == 7)
        #expect(policy.delay(afterTry: 1, failure: .status(429, retryAfter: 3600)) == 60)
    }

    @Test func onlyWhatMayPassIsRetried() {
        #expect(HTTPFailure.status(429, retryAfter: nil).isRetryable)
        #expect(HTTPFailure.status(503, retryAfter: nil).isRetryable)
        #expect(!HTTPFailure.status(404, retryAfter: nil).isRetryable)
        #expect(!HTTPFailure.tls(detail: "").isRetryable)
        #expect(!HTTPFailure.tooLarge(limit: 1).isRetryable)
        #expect(HTTPFailure.cutShort(detail: "").isRetryable)
    }

    @Test func retryAfterReadsSecondsAndDates() {
        #expect(HTTPClient.retryAfterSeconds("30") == 30)
        #expect(HTTPClient.retryAfterSeconds("Sun, 06 Nov 1994 08:49:37 GMT") == 0)  // in the past
        #expect(HTTPClient.retryAfterSeconds("soon") == nil)
    }

    @Test func originsAndDisplayedURLs() {
        #expect(HTTPURL.origin("https://Example.org/a?b") == "https://example.org:443")
        #expect(HTTPURL.origin("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080")
        #expect(HTTPURL.origin("http://[::1]/x") == "http://[::1]:80")
        #expect(HTTPURL.origin("http://u:p@host/x") == "http://host:80")
        #expect(HTTPURL.display("https://u:p@host/x?y") == "https://host/x?y")
        #expect(HTTPError(url: "https://h/c.csv", tries: 4, failure: .status(503, retryAfter: 30)).description
            == "GET https://h/c.csv failed after 4 tries: HTTP 503 (last: Retry-After 30s)")
        #expect(HTTPError(url: "https://h/c.csv", tries: 1, failure: .status(404, retryAfter: nil)).description
            == "GET https://h/c.csv failed: HTTP 404")
    }
}
