import JianfuHTTP

/// Why an HTTP source could not be fetched (SPEC §1 "Sources"), in words a cron user can act
/// on. No case carries a secret: a missing or unusable credential is named by its environment
/// variable, never by its value. The CLI maps the family to exit code 1.
package enum FetchError: Error, Sendable, Equatable {
    /// The GET failed for good (after its retries, or at once when retrying cannot help).
    case http(source: String, HTTPError)
    /// `auth.env` names a variable that is not set.
    case missingSecret(source: String, variable: String, header: String)
    /// The variable's value cannot be sent as a header value.
    case unusableSecret(source: String, variable: String, reason: String)
    /// The server answered 304 to a request that was not conditional.
    case notModifiedWithoutCopy(source: String, url: String)
    /// The fetched copy cannot be kept beside the pipeline (`.jianfu/`).
    case cache(source: String, path: String, reason: String)
}

extension FetchError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .http(let source, let error):
            return "source \(source): \(error)\(Self.hint(error.failure))"
        case .missingSecret(let source, let variable, let header):
            return "source \(source): auth.env names the environment variable \(variable), which is not set; the \(header) header takes its value"
        case .unusableSecret(let source, let variable, let reason):
            return "source \(source): the value of the environment variable \(variable) (auth.env) \(reason)"
        case .notModifiedWithoutCopy(let source, let url):
            return "source \(source): \(HTTPURL.display(url)) answered 304 Not Modified, but no earlier copy is kept; delete .jianfu/ beside the pipeline and run again"
        case .cache(let source, let path, let reason):
            return "source \(source): cannot keep the fetched copy in \(path): \(reason)"
        }
    }

    /// Which pipeline key to look at, where that is not plain from the failure.
    private static func hint(_ failure: HTTPFailure) -> String {
        switch failure {
        case .tls: "; if the server's certificate is signed by a private CA, set ca_file to that CA's certificate (PEM)"
        case .tooLarge: " (max_bytes)"
        case .timedOut: " (timeout / connect_timeout)"
        case .status(401, _), .status(403, _): " (check the credential that auth.env names)"
        default: ""
        }
    }
}
