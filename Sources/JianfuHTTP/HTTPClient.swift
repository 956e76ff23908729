import CCurl
import Glibc

/// GETs a URL into a file over libcurl's easy interface (SPEC §1 "Sources": timeouts, bounded
/// retries with backoff, redirects, gzip, a CA bundle option, a size limit).
///
/// The body streams into the file as it arrives, never into memory. Each try truncates the
/// file and starts over, so whatever a failed try left is gone; the file holds a body only when
/// `fetch` returns a 2xx response.
package struct HTTPClient: Sendable {
    /// A client; it holds nothing between fetches (each fetch has its own libcurl handle).
    package init() {}

    /// Fetches `request` into the file at `destination` (created or truncated), retrying what
    /// `HTTPFailure.isRetryable` allows as `policy` says. Before each wait, `onRetry` hears the
    /// failure, the number of tries made and the seconds it will wait.
    ///
    /// Returns the response of the try that succeeded: 2xx, or 304 when the request was
    /// conditional and the server's copy has not changed. Throws `HTTPError` otherwise.
    package func fetch(
        _ request: HTTPRequest, to destination: String, policy: RetryPolicy,
        onRetry: (HTTPFailure, Int, Double) -> Void = { _, _, _ in }
    ) throws(HTTPError) -> HTTPResponse {
        // The pipeline loader refuses such headers already; this is the last line of defence
        // for any other caller, as libcurl sends a header line verbatim.
        if let header = request.headers.first(where: { !$0.isSendable }) {
            let name = HTTPHeader.isToken(header.name) ? header.name : nil
            throw HTTPError(url: request.url, tries: 0, failure: .unsendableHeader(name: name))
        }
        let easy: CurlEasy
        do {
            easy = try CurlEasy()
        } catch {
            throw HTTPError(url: request.url, tries: 1, failure: error)
        }
        configure(easy, for: request)
        var tries = 0
        while true {
            tries += 1
            let outcome = attempt(request, with: easy, into: destination)
            switch outcome {
            case .success(let response):
                return response
            case .failure(let failure):
                guard failure.isRetryable, tries <= policy.retries else {
                    throw HTTPError(url: request.url, tries: tries, failure: failure)
                }
                let wait = policy.delay(afterTry: tries, failure: failure)
                onRetry(failure, tries, wait)
                Self.sleep(seconds: wait)
            }
        }
    }

    private func configure(_ easy: CurlEasy, for request: HTTPRequest) {
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        if let caFile = request.caFile { easy.set(CURLOPT_CAINFO, caFile) }
        if !request.verifiesPeer {
            easy.set(CURLOPT_SSL_VERIFYPEER, 0)
            easy.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let maxBytes = request.maxBytes {
            // Refuses at once a body whose Content-Length is already too large; the sink
            // catches the others (chunked, compressed) as they arrive.
            easy.set(CURLOPT_MAXFILESIZE_LARGE, fileSize: maxBytes)
            easy.sink.limit = maxBytes
        }
    }

    /// One try: the request and the redirects it leads to, within one `timeout`.
    private func attempt(_ request: HTTPRequest, with easy: CurlEasy, into destination: String) -> Result<HTTPResponse, HTTPFailure> {
        let fd = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            return .failure(.other(detail: "cannot write \(destination): \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        easy.sink.fd = fd
        let deadline = Self.now() + request.timeout
        let origin = HTTPURL.origin(request.url)
        var url = request.url
        var redirects = 0
        while true {
            let remaining = deadline - Self.now()
            guard remaining > 0 else {
                return .failure(.timedOut(detail: "no answer within \(Self.seconds(request.timeout)) s"))
            }
            easy.set(CURLOPT_URL, url)
            easy.set(CURLOPT_TIMEOUT_MS, max(1, Self.milliseconds(remaining)))
            // A credential goes only where the pipeline sent it, not where a redirect points.
            let sameOrigin = HTTPURL.origin(url) == origin
            easy.setHeaders(request.headers.filter { !$0.isSecret || sameOrigin }.map(\.line))
            easy.sink.reset()
            if let (code, detail) = easy.perform() {
                return .failure(failure(code, detail, sink: easy.sink, limit: request.maxBytes))
            }
            let status = easy.responseCode
            if [301, 302, 303, 307, 308].contains(status), let next = easy.redirectURL {
                guard redirects < request.maxRedirects else {
                    return .failure(.tooManyRedirects(limit: request.maxRedirects, last: next))
                }
                redirects += 1
                url = next
                continue
            }
            guard (200...299).contains(status) || status == 304 else {
                return .failure(.status(status, retryAfter: easy.sink.headers["retry-after"].flatMap(Self.retryAfterSeconds)))
            }
            let headers = easy.sink.headers
            return .success(HTTPResponse(
                status: status, url: url, etag: headers["etag"], lastModified: headers["last-modified"],
                contentType: headers["content-type"], bodyBytes: easy.sink.written))
        }
    }

    /// libcurl's code sorted into what a person can act on (<https://curl.se/libcurl/c/libcurl-errors.html>).
    private func failure(_ code: CURLcode, _ detail: String, sink: TransferSink, limit: Int?) -> HTTPFailure {
        if sink.exceededLimit || code == CURLE_FILESIZE_EXCEEDED, let limit { return .tooLarge(limit: limit) }
        if sink.writeError != 0 { return .other(detail: "cannot write the download: \(String(cString: strerror(sink.writeError)))") }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(detail: detail)
        case CURLE_PARTIAL_FILE:
            return .cutShort(detail: detail)
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
             CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connection(detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS:
            return .tls(detail: detail)
        default:
            return .other(detail: detail)
        }
    }

    /// `Retry-After` as seconds from now: delay-seconds, or an IMF-fixdate such as
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §10.2.3, §5.6.7).
    static func retryAfterSeconds(_ value: String) -> Int? {
        if let seconds = Int(value), seconds >= 0 { return seconds }
        let parts = value.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let clock = parts.count == 6 ? parts[4].split(separator: ":").compactMap { Int32($0) } : []
        guard parts.count == 6, parts[5] == "GMT", let day = Int32(parts[1]), let month = months.firstIndex(of: String(parts[2])),
              let year = Int32(parts[3]), clock.count == 3 else { return nil }
        var date = tm()
        date.tm_year = year - 1900
        date.tm_mon = Int32(month)
        date.tm_mday = day
        (date.tm_hour, date.tm_min, date.tm_sec) = (clock[0], clock[1], clock[2])
        return max(0, Int(timegm(&date) - time(nil)))
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func sleep(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }

    private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded(.up)) }

    /// `2` or `0.5`, as a pipeline would write it.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
