/// Why one try of a GET did not bring a body. Only the URL and what the server or libcurl said
/// appear in its text: never a request header's value.
package enum HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a status other than 2xx or 304; `retryAfter` is its
    /// `Retry-After` in seconds.
    case status(Int, retryAfter: Int?)
    /// The try took longer than its timeout (or the connection longer than its own).
    case timedOut(detail: String)
    /// The connection could not be opened, or broke.
    case connection(detail: String)
    /// The body ended before its announced length: the connection closed early.
    case cutShort(detail: String)
    /// The TLS handshake or the certificate check failed.
    case tls(detail: String)
    /// The body is larger than `HTTPRequest.maxBytes`.
    case tooLarge(limit: Int)
    /// More redirects than `HTTPRequest.maxRedirects`; `last` is where the last one pointed.
    case tooManyRedirects(limit: Int, last: String)
    /// A request header that cannot be sent as it is (`HTTPHeader.isSendable`): a control
    /// character in its value, or a name that is not a token. `name` is the header's name when
    /// it is a valid one (never the value, which may be a secret); the request was not sent.
    case unsendableHeader(name: String?)
    /// Anything else libcurl or the file system refused (a malformed URL, a full disk, …).
    case other(detail: String)

    /// Connection errors, timeouts, a body cut short, 429 and 5xx may pass on their own; a
    /// retry is worth it. The rest would fail the same way again.
    package var isRetryable: Bool {
        switch self {
        case .status(let code, _): code == 429 || (500...599).contains(code)
        case .timedOut, .connection, .cutShort: true
        case .tls, .tooLarge, .tooManyRedirects, .unsendableHeader, .other: false
        }
    }

    /// The server's `Retry-After` in seconds, when it sent one with an error status.
    package var retryAfter: Int? {
        if case .status(_, let retryAfter) = self { return retryAfter }
        return nil
    }

    package var description: String {
        switch self {
        case .status(let code, let retryAfter?): "HTTP \(code) (Retry-After \(retryAfter)s)"
        case .status(let code, nil): "HTTP \(code)"
        case .timedOut(let detail): "timed out: \(detail)"
        case .connection(let detail): "cannot connect: \(detail)"
        case .cutShort(let detail): "the body was cut short: \(detail)"
        case .tls(let detail): "TLS: \(detail)"
        case .tooLarge(let limit): "the body is larger than the limit of \(limit) bytes"
        case .tooManyRedirects(let limit, let last): "more than \(limit) redirects (the last to \(HTTPURL.display(last)))"
        case .unsendableHeader(let name?):
            "the request header \(name) holds a control character (CR, LF, NUL …) that would forge header lines; nothing was sent"
        case .unsendableHeader(nil):
            "a request header's name is not an HTTP header name (letters, digits, -); nothing was sent"
        case .other(let detail): detail
        }
    }
}

/// A GET that failed for good: after its last try, or at a failure not worth retrying.
package struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    package var url: String
    /// Tries made, the first included; 0 when the request was refused before it was sent.
    package var tries: Int
    /// How the last try failed.
    package var failure: HTTPFailure

    /// The failure of the GET of `url` after `tries` tries.
    package init(url: String, tries: Int, failure: HTTPFailure) {
        self.url = url
        self.tries = tries
        self.failure = failure
    }

    /// `GET https://… failed after 4 tries: HTTP 503 (last: Retry-After 30s)`.
    package var description: String {
        guard tries > 1 else { return "GET \(HTTPURL.display(url)) failed: \(failure)" }
        var last = "\(failure)"
        if case .status(let code, let retryAfter?) = failure { last = "HTTP \(code) (last: Retry-After \(retryAfter)s)" }
        return "GET \(HTTPURL.display(url)) failed after \(tries) tries: \(last)"
    }
}
