/// What the try that succeeded received: a 2xx status (the body is in the destination file)
/// or 304 Not Modified (no body).
package struct HTTPResponse: Sendable, Equatable {
    package var status: Int
    /// The URL that answered, after redirects.
    package var url: String
    /// The `ETag` and `Last-Modified` validators, for a later conditional GET (RFC 9110 §13).
    package var etag: String?
    package var lastModified: String?
    /// The `Content-Type`, e.g. `application/json; charset=utf-8`.
    package var contentType: String?
    /// Bytes of body written to the file (after decompression).
    package var bodyBytes: Int

    /// 304: the copy the conditional request named is still current; no body came.
    package var isNotModified: Bool { status == 304 }
}
