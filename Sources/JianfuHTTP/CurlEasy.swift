import CCurl
import Glibc

/// One libcurl easy handle (<https://curl.se/libcurl/c/libcurl-easy.html>), reused for every
/// try and redirect of one fetch so that a kept-alive connection is reused too.
///
/// libcurl calls back into Swift through C function pointers, which cannot capture anything:
/// the `TransferSink` that receives headers and body travels as the callbacks' `void *`
/// (`CURLOPT_WRITEDATA`, `CURLOPT_HEADERDATA`), unretained — the handle holds the sink for as
/// long as libcurl may call it.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// libcurl writes the detailed text of a failure here (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    let sink = TransferSink()
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// `curl_global_init` is not thread-safe; Swift runs a static's initializer once.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    init() throws(HTTPFailure) {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .other(detail: "libcurl cannot be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = jianfu_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = jianfu_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, writeBody)
        _ = jianfu_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = jianfu_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, writeHeader)
        _ = jianfu_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        // Threads and signals do not mix: no SIGALRM for name-resolution timeouts.
        set(CURLOPT_NOSIGNAL, 1)
        // Redirects are followed by HTTPClient, which decides what goes to another origin.
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        // "" offers every encoding libcurl can decode (gzip, deflate, …) and decodes it.
        set(CURLOPT_ACCEPT_ENCODING, "")
        set(CURLOPT_USERAGENT, "jianfu")
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) {
        _ = jianfu_curl_setopt_long(handle, option, value)
    }

    /// libcurl copies the string (every string option but `CURLOPT_POSTFIELDS`).
    func set(_ option: CURLoption, _ value: String) {
        _ = jianfu_curl_setopt_string(handle, option, value)
    }

    func set(_ option: CURLoption, fileSize value: Int) {
        _ = jianfu_curl_setopt_off_t(handle, option, curl_off_t(value))
    }

    /// Replaces the request headers.
    func setHeaders(_ lines: [String]) {
        curl_slist_free_all(headerList)
        headerList = nil
        for line in lines { headerList = curl_slist_append(headerList, line) }
        _ = jianfu_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
    }

    /// Runs one request; `nil` on success, else libcurl's code and the most detailed text it has.
    func perform() -> (code: CURLcode, detail: String)? {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return nil }
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        return (code, detail)
    }

    var responseCode: Int {
        var code = 0
        _ = jianfu_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Where a 3xx points, made absolute by libcurl.
    var redirectURL: String? {
        var url: UnsafeMutablePointer<CChar>?
        guard jianfu_curl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &url) == CURLE_OK, let url else { return nil }
        return String(cString: url)
    }
}

/// Receives one response: its status line and headers (the last response's, when there are
/// several), and its body, written to a file descriptor only for a 2xx status and only up to
/// `limit` bytes.
final class TransferSink {
    var fd: Int32 = -1
    var limit: Int?
    private(set) var status = 0
    /// Header values by lower-cased name; the last of repeated names.
    private(set) var headers: [String: String] = [:]
    private(set) var written = 0
    /// Set when the body went past `limit`; the transfer was aborted.
    private(set) var exceededLimit = false
    /// Set when writing to `fd` failed; the transfer was aborted.
    private(set) var writeError: Int32 = 0

    /// Forgets the previous response, keeping `fd` and `limit`.
    func reset() {
        status = 0
        headers = [:]
        written = 0
        exceededLimit = false
        writeError = 0
    }

    func header(_ line: UnsafeRawBufferPointer) {
        var text = String(decoding: line, as: UTF8.self)
        while let last = text.last, last.isNewline { text.removeLast() }  // "\r\n" is one Character
        if text.hasPrefix("HTTP/") {
            // A new response (after a 1xx, or a proxy's CONNECT): start over.
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = text[text.index(after: colon)...].drop(while: \.isWhitespace)
        headers[name] = String(value.reversed().drop(while: \.isWhitespace).reversed())
    }

    /// `false` aborts the transfer.
    func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard (200...299).contains(status) else { return true }  // an error page is not data
        if let limit, written + bytes.count > limit {
            exceededLimit = true
            return false
        }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                writeError = errno
                return false
            }
            offset += n
        }
        written += bytes.count
        return true
    }
}

private let writeBody: jianfu_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
    return sink.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

private let writeHeader: jianfu_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue().header(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
