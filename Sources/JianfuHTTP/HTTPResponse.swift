/// What the try that succeeded received: a 2xx status (the body is in the destination file)
/// or 304 Not Modified (no body).
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// The URL that answered, after redirects.
    public var url: String
    /// The `ETag` and `Last-Modified` validators, for a later conditional GET (RFC 9110 §13).
    public var etag: String?
    public var lastModified: String?
    /// The `Content-Type`, e.g. `application/json; charset=utf-8`.
    public var contentType: String?
    /// Bytes of body written to the file (after decompression).
    public var bodyBytes: Int

    /// 304: the copy the conditional request named is still current; no body came.
    public var isNotModified: Bool { status == 304 }
}
