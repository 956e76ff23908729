import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, as the store keeps them (`sources.sha256`, the pipeline
/// file's `runs.pipeline_sha256`, `bulletins.alerts_sha256`).
extension SHA256 {
    /// The digest of `bytes` as lowercase hex.
    package static func hex<Bytes: DataProtocol>(of bytes: Bytes) -> String {
        hex(hash(data: bytes))
    }

    /// `digest` as lowercase hex.
    package static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
