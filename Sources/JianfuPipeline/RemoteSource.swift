import JianfuModel
import Foundation
import JianfuHTTP
import JianfuIngest
import Logging

/// An HTTP(S) source (SPEC §1 "Sources"): where it is, how to fetch it, and where the last
/// fetched copy is kept. It is the `bytes` of its `SourceSpec` until the fetch stage
/// (`SourceSpec.fetched`) replaces it with the local copy.
///
/// The body is downloaded into a file beside the pipeline (`.jianfu/cache/`) and then read like
/// any file, rather than parsed while it streams in. So a body cut short, a timeout half-way or
/// a `max_bytes` breach fails the source before a single row is read (never a partial ingest),
/// a retry starts from an empty file (no row read twice), the memory cost is that of a file,
/// and the copy is there for the next run's 304.
struct RemoteSource: ByteSource {
    /// The credential header (`auth: {header: NAME, env: VARIABLE}`): its value is read from
    /// the environment when the source is fetched, and never written anywhere.
    struct Credential: Sendable, Equatable {
        var header: String
        var variable: String
    }

    /// `max_bytes:` when the pipeline does not say: 1 GiB. Without a limit a small compressed
    /// body (a gzip bomb: 10 MB inflating to 10 GB) would be written out until the disk is
    /// full; an export larger than this is set with `max_bytes:` or `none`.
    static let defaultMaxBytes = 1 << 30

    var name: String
    /// The URL as written, fetched as it is; messages show it through `HTTPURL.display`.
    var url: String
    /// `timeout:` seconds for the whole transfer, `connect_timeout:` for the connection.
    var timeout: Double = 60
    var connectTimeout: Double = 10
    /// `retries:` after the first try.
    var retries = 3
    var credential: Credential?
    /// `headers:`, not secret.
    var headers: [HTTPHeader] = []
    var caFile: String?
    var insecure = false
    /// `max_bytes:` the largest body accepted, counted after decompression; `nil` (`max_bytes:
    /// none`) for no limit.
    var maxBytes: Int? = Self.defaultMaxBytes
    /// `format:`; `nil` takes it from the response's Content-Type.
    var format: SourceFormat?
    var jsonPath: [String] = []
    /// `sheet:` and `header_row:` of an xlsx source.
    var sheet = SourceFormat.Sheet()
    var cache: HTTPCache

    /// What a fetch brought: the local copy and its format, and the validators it came with.
    struct Copy {
        var file: String
        var format: SourceFormat
        var etag: String?
        var lastModified: String?
    }

    /// Fetches the source: a GET (conditional when a copy with validators is kept), retried per
    /// `retries`; on 2xx the body becomes the kept copy, on 304 the kept copy is used as it is.
    func fetch(logger: Logger?) throws -> Copy {
        var request = HTTPRequest(
            url: url, headers: headers, timeout: timeout, connectTimeout: connectTimeout, caFile: caFile,
            verifiesPeer: !insecure, maxBytes: maxBytes)
        if let credential { request.headers.append(try secretHeader(credential)) }
        if insecure {
            logger?.warning("source \(name): INSECURE: insecure: true turns off the TLS certificate check for \(HTTPURL.display(url)); anyone on the network path could change these numbers")
        }
        let kept = cache.entry(for: name, url: url)
        if let etag = kept?.etag { request.headers.append(HTTPHeader(name: "If-None-Match", value: etag)) }
        if let lastModified = kept?.lastModified { request.headers.append(HTTPHeader(name: "If-Modified-Since", value: lastModified)) }

        try cache.prepare(for: name)
        let download = cache.downloadPath(name)
        let response: HTTPResponse
        do {
            response = try HTTPClient().fetch(request, to: download, policy: RetryPolicy(retries: retries)) { failure, tries, wait in
                logger?.warning("source \(name): GET \(HTTPURL.display(url)): \(failure); try \(tries + 1) of \(retries + 1) in \(Self.seconds(wait)) s")
            }
        } catch {
            unlink(download)
            throw FetchError.http(source: name, error)
        }
        if response.isNotModified {
            unlink(download)
            guard let kept, kept.etag != nil || kept.lastModified != nil else {
                throw FetchError.notModifiedWithoutCopy(source: name, url: url)
            }
            logger?.info("source \(name): not modified (304), using the copy from \(kept.fetchedAt)")
            return Copy(
                file: cache.bodyPath(name), format: format ?? .of(contentType: kept.contentType), etag: kept.etag,
                lastModified: kept.lastModified)
        }
        let entry = HTTPCache.Entry(
            url: url, etag: response.etag, lastModified: response.lastModified, contentType: response.contentType,
            fetchedAt: Self.timestamp())
        try cache.keep(download, as: entry, for: name)
        logger?.info("source \(name): fetched \(response.bodyBytes) bytes from \(HTTPURL.display(url)) (HTTP \(response.status))")
        return Copy(
            file: cache.bodyPath(name), format: format ?? .of(contentType: response.contentType), etag: response.etag,
            lastModified: response.lastModified)
    }

    /// Read without the fetch stage (a caller that has no logger): fetches silently, then reads
    /// the copy in its format.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let copy = try fetch(logger: nil)
        var spec = SourceSpec(name: name, path: HTTPURL.display(url))
        copy.format.read(copy.file, into: &spec, jsonPath: jsonPath, sheet: sheet)
        try spec.bytes.forEachChunk(body)
    }

    /// The credential header, its value taken verbatim from the environment.
    private func secretHeader(_ credential: Credential) throws -> HTTPHeader {
        guard let raw = getenv(credential.variable) else {
            throw FetchError.missingSecret(source: name, variable: credential.variable, header: credential.header)
        }
        let value = String(cString: raw)
        guard !value.isEmpty else {
            throw FetchError.unusableSecret(source: name, variable: credential.variable, reason: "is empty")
        }
        guard HTTPHeader.isFieldValue(value) else {
            throw FetchError.unusableSecret(
                source: name, variable: credential.variable,
                reason: "holds a line break or another control character, which a header value cannot")
        }
        return HTTPHeader(name: credential.header, value: value, isSecret: true)
    }

    private static func timestamp() -> String {
        UTCTimestamp.string(Date())
    }

    /// `1.5`, `12`: a wait as a person reads it.
    private static func seconds(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}

extension SourceSpec {
    /// This source ready to be read: an HTTP source fetched and pointed at its local copy (the
    /// fetch stage of a run); any other source as it is.
    func fetched(logger: Logger) throws -> SourceSpec {
        try fetchedWithOrigin(logger: logger).spec
    }

    /// A source ready to be read, with the local file its bytes come from (the file itself, or
    /// an HTTP source's fetched copy) and the HTTP validators that came with the copy.
    struct Fetched {
        var spec: SourceSpec
        var localFile: String
        var etag: String?
        var lastModified: String?
    }

    /// `fetched(logger:)`, keeping where the bytes are, for the source's fingerprint.
    func fetchedWithOrigin(logger: Logger) throws -> Fetched {
        guard let remote = bytes as? RemoteSource else { return Fetched(spec: self, localFile: path) }
        let copy = try remote.fetch(logger: logger)
        var spec = self
        copy.format.read(copy.file, into: &spec, jsonPath: remote.jsonPath, sheet: remote.sheet)
        return Fetched(spec: spec, localFile: copy.file, etag: copy.etag, lastModified: copy.lastModified)
    }
}
