/// One GET as jianfu makes it: where, with which headers, within which limits.
package struct HTTPRequest: Sendable {
    /// An `http://` or `https://` URL.
    package var url: String
    /// Sent with the request, in order.
    package var headers: [HTTPHeader]
    /// Seconds one try may take as a whole, redirects included (`CURLOPT_TIMEOUT_MS`).
    package var timeout: Double
    /// Seconds the connection may take to open (`CURLOPT_CONNECTTIMEOUT_MS`).
    package var connectTimeout: Double
    /// A PEM file of the certificate authorities to trust instead of the system's.
    package var caFile: String?
    /// `false` turns off the check of the server's TLS certificate and host name.
    package var verifiesPeer: Bool
    /// The largest body accepted, in bytes as received after decompression; `nil` for no limit.
    package var maxBytes: Int?
    /// Redirects followed before giving up.
    package var maxRedirects: Int

    /// A GET of `url` with libcurl's defaults where the pipeline's (SPEC §1) do not apply.
    package init(
        url: String, headers: [HTTPHeader] = [], timeout: Double = 60, connectTimeout: Double = 10,
        caFile: String? = nil, verifiesPeer: Bool = true, maxBytes: Int? = nil, maxRedirects: Int = 10
    ) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.caFile = caFile
        self.verifiesPeer = verifiesPeer
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
    }
}

/// A request header. A secret one (a credential) is sent only to the origin (scheme, host and
/// port) of the request's URL, never to another server a redirect points to, and it never
/// appears in an error.
package struct HTTPHeader: Sendable, Equatable {
    package var name: String
    package var value: String
    package var isSecret: Bool

    /// `isSecret` marks a credential.
    package init(name: String, value: String, isSecret: Bool = false) {
        self.name = name
        self.value = value
        self.isSecret = isSecret
    }

    /// `Name: value`, as libcurl takes it.
    var line: String { "\(name): \(value)" }

    /// Whether the header can be sent as it is: its name a token and its value a field value,
    /// so that nothing in it can start a header line of its own. libcurl sends a header line
    /// verbatim: a value `v\r\nAuthorization: Bearer X` would send an `Authorization` header
    /// (header smuggling), past every check on the names.
    package var isSendable: Bool { Self.isToken(name) && Self.isFieldValue(value) }

    /// An HTTP header name: an RFC 9110 §5.1 token (letters, digits and ``!#$%&'*+-.^_`|~``).
    package static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0))
        }
    }

    /// A header value jianfu sends (RFC 9110 §5.5 field-value): no control character but the
    /// tab — no CR, LF or NUL, which end or cut a header line, and no other C0 control or DEL,
    /// which servers and proxies read in different ways. Checked per Unicode scalar: in a Swift
    /// `String`, `"\r\n"` is one `Character`, equal to neither `"\r"` nor `"\n"`.
    package static func isFieldValue(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
    }
}
