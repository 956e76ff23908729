import Foundation

/// The raw bytes of a file.
public func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

/// A JSON file (such as `summary.json`) whose top level is an object, as a dictionary.
public func readJSON(_ url: URL) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
        throw NotAJSONObject(file: url.path)
    }
    return object
}

/// `readJSON` found JSON whose top level is not an object.
public struct NotAJSONObject: Error {
    public let file: String
}
