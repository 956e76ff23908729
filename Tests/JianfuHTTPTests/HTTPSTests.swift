import Foundation
import JianfuTestSupport
import Testing

/// HTTPS with a certificate made at test time: refused by default, accepted with `ca_file`,
/// accepted with a loud warning under `insecure: true` (SPEC §1 "a CA bundle option").
@Suite struct HTTPSTests {
    @Test func aSelfSignedCertificateIsRefusedByDefaultAndTrustedWithCAFile() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let tls = try selfSignedCertificate(in: dir)
        let server = try TestServer(root: served.url, tls: tls)
        let url = server.url("files/counts.csv")
        #expect(url.hasPrefix("https://127.0.0.1:"))

        let refused = try Jianfu.run(["run", try dir.write("default.yml", Sample.pipeline("url: \"\(url)\"")).path])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.errorLine.contains("GET \(url) failed: TLS: "), "\(refused)")
        #expect(refused.errorLine.contains("certificate"), "curl's own words name the certificate: \(refused)")
        #expect(refused.errorLine.contains("set ca_file"), "\(refused)")
        #expect(!dir.exists("out"))

        let trusted = try Jianfu.run(["run", try dir.write("trusted.yml", Sample.pipeline("url: \"\(url)\", ca_file: cert.pem")).path])
        #expect(trusted.status == 0, "\(trusted)")
        #expect(!trusted.stderr.contains("INSECURE"))
        #expect(try String(contentsOf: dir.file("out/indicators.csv"), encoding: .utf8).contains("\nU1,,,false,documents,11,6.5,"))
    }

    @Test func insecureAcceptsAnyCertificateWithALoudWarning() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url, tls: try selfSignedCertificate(in: dir))
        let url = server.url("files/counts.csv")
        let result = try Jianfu.run(["run", try dir.write("p.yml", Sample.pipeline("url: \"\(url)\", insecure: true")).path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("warning: source counts: INSECURE: insecure: true turns off the TLS certificate check for \(url)"), "\(result)")
    }
}
