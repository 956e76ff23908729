import Foundation
import JianfuModel
import Testing

@testable import JianfuPipeline

/// The bulletin's issue header (SPEC §6): the wall-clock time in the bulletin's zone
/// and the `bulletin:` key of the pipeline file.
@Suite struct BulletinTests {
    // MARK: Local time

    @Test func theZoneOffsetComesFromTheTimeZoneDatabase() {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let shanghai = BulletinSection.localTime(date, Bulletin(timeZone: "Asia/Shanghai"))
        #expect(shanghai.iso8601 == "2023-11-15T06:13:20+08:00")
        // Berlin keeps summer time: +01:00 in November, +02:00 in July (2023-07-01 12:00 UTC = 1 688 212 800).
        #expect(BulletinSection.localTime(date, Bulletin(timeZone: "Europe/Berlin")).iso8601 == "2023-11-14T23:13:20+01:00")
        #expect(BulletinSection.localTime(Date(timeIntervalSince1970: 1_688_212_800), Bulletin(timeZone: "Europe/Berlin")).iso8601
            == "2023-07-01T14:00:00+02:00")
        #expect(BulletinSection.reading(utc: "2023-11-14T22:13:20Z", Bulletin(timeZone: "Asia/Shanghai")) == "2023-11-15 06:13 Asia/Shanghai")
    }

    // MARK: The pipeline key

    private static let pipeline = """
        name: t
        sources:
          - {name: counts, path: counts.csv}
        metrics:
          documents: {label: 发文, target: 0.3}
        baseline: {from: 2018-01, to: 2018-12}

        """

    private func load(_ bulletin: String) throws -> PipelineConfig {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jianfu-bulletin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.yml").path
        try (Self.pipeline + bulletin).write(toFile: path, atomically: true, encoding: .utf8)
        return try PipelineLoader.load(path: path)
    }

    @Test func theKeyIsReadWithEverySubKey() throws {
        let config = try load("bulletin: {issuer: 示例县减轻基层负担工作专班办公室, first_issue: 2024-01, timezone: Asia/Shanghai}\n")
        #expect(config.bulletin == Bulletin(
            issuer: "示例县减轻基层负担工作专班办公室", firstIssue: Period(year: 2024, month: 1), timeZone: "Asia/Shanghai"))
    }

    @Test func everySubKeyIsOptional() throws {
        #expect(try load("").bulletin == Bulletin(issuer: nil, firstIssue: nil, timeZone: "UTC"))
        #expect(try load("bulletin:\n").bulletin == Bulletin())
        #expect(try load("bulletin: {first_issue: 202401}\n").bulletin == Bulletin(firstIssue: Period(year: 2024, month: 1)))
    }

    @Test func wrongValuesNameTheLineAndKey() throws {
        // The pipeline above is 6 lines, so `bulletin:` is line 7 and its first sub-key line 8.
        do {
            _ = try load("bulletin:\n  timezone: Asia/Beijing\n")
            Issue.record("an unknown time zone loads")
        } catch let PipelineError.invalidValue(_, line, key, expected, found) {
            #expect(line == 8 && key == "bulletin.timezone" && found == "'Asia/Beijing'")
            #expect(expected == "an IANA time zone name such as Asia/Shanghai or UTC")
        }
        do {
            _ = try load("bulletin: {first_isue: 2024-01}\n")
            Issue.record("an unknown sub-key loads")
        } catch let PipelineError.unknownKey(_, line, key, context, suggestion) {
            #expect(line == 7 && key == "first_isue" && context == "bulletin" && suggestion == "first_issue")
        }
        for bad in ["2024Q1", "2024", "2024-13", "''"] {
            do {
                _ = try load("bulletin: {first_issue: \(bad)}\n")
                Issue.record("first_issue \(bad) loads")
            } catch let PipelineError.invalidValue(_, line, key, _, _) {
                #expect(line == 7 && key == "bulletin.first_issue")
            }
        }
        do {
            _ = try load("bulletin: {issuer: ''}\n")
            Issue.record("an empty issuer loads")
        } catch let PipelineError.invalidValue(_, _, key, _, _) {
            #expect(key == "bulletin.issuer")
        }
    }
}
