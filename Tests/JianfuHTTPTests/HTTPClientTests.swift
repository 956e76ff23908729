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

    /// Issue 11 item 8: every URL jianfu shows goes through `display`, which hides the userinfo
    /// however the URL is spelled, and leaves the rest as written.
    @Test func displayedURLsHideTheirUserinfo() {
        #expect(HTTPURL.display("http:user:PW@host/x") == "http:***@host/x")
        #expect(HTTPURL.display(" http://user:PW@host/x") == " http://***@host/x")
        #expect(HTTPURL.display("http:/user:PW@host/x") == "http:/***@host/x")
        #expect(HTTPURL.display(#"http:\\user:PW@host\x"#) == #"http:\\***@host\x"#)
        #expect(HTTPURL.display("HTTPS://a@b:PW@host:8443?q") == "HTTPS://***@host:8443?q")
        #expect(HTTPURL.display("//user:PW@host/x") == "//***@host/x")
        #expect(HTTPURL.display("user:PW@host") == "user:***@host")
        // '@' after the authority (path, query, fragment) is no userinfo.
        #expect(HTTPURL.display("https://host/@scope/a.csv?by=a@b#c@d") == "https://host/@scope/a.csv?by=a@b#c@d")
        #expect(HTTPURL.display("https://example.org/counts.csv") == "https://example.org/counts.csv")
        #expect(HTTPURL.display("") == "")
        #expect(HTTPError(url: "http://u:PW@h/c.csv", tries: 1, failure: .status(404, retryAfter: nil)).description
            == "GET http://***@h/c.csv failed: HTTP 404")
        #expect(HTTPFailure.tooManyRedirects(limit: 10, last: "http://u:PW@h/").description == "more than 10 redirects (the last to http://***@h/)")
    }

    /// Issue 11 item 7: what a header may hold, checked per Unicode scalar ("\r\n" is one
    /// `Character` in Swift, equal to neither "\r" nor "\n").
    @Test func sendableHeaders() {
        #expect(HTTPHeader(name: "X-Office", value: "示例县 a\tb").isSendable)
        #expect(!HTTPHeader(name: "X-A", value: "v\r\nAuthorization: Bearer X").isSendable)
        #expect(!HTTPHeader(name: "X-A", value: "v\nx").isSendable)
        #expect(!HTTPHeader(name: "X-A", value: "v\rx").isSendable)
        #expect(!HTTPHeader(name: "X-A", value: "v\0x").isSendable)
        #expect(!HTTPHeader(name: "X-A", value: "v\u{7F}x").isSendable)
        #expect(!HTTPHeader(name: "X-A\r\nAuthorization", value: "v").isSendable)
        #expect(!HTTPHeader(name: "X A", value: "v").isSendable)
        #expect(!HTTPHeader(name: "", value: "v").isSendable)
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
        #expect(HTTPURL.display("https://u:p@host/x?y") == "https://***@host/x?y")
        #expect(HTTPError(url: "https://h/c.csv", tries: 4, failure: .status(503, retryAfter: 30)).description
            == "GET https://h/c.csv failed after 4 tries: HTTP 503 (last: Retry-After 30s)")
        #expect(HTTPError(url: "https://h/c.csv", tries: 1, failure: .status(404, retryAfter: nil)).description
            == "GET https://h/c.csv failed: HTTP 404")
    }
}
