import Foundation
import JianfuIngest
import JianfuPipeline
import JianfuTestSupport
import Testing

/// An HTTP source reads like the same data in a file (SPEC §1 "Sources"): CSV and JSON bodies,
/// gzip, chunked transfer and redirects change nothing in the indicators; a 304 reuses the
/// kept copy.
@Suite struct HTTPSourceTests {
    @Test func csvAndJSONBodiesGiveTheSameIndicatorsAsTheFile() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try dir.write("counts.csv", Sample.csv)
        try served.write("counts.csv", Sample.csv)
        try served.write("counts.json", Sample.json)
        let server = try TestServer(root: served.url)
        let pipelines = [
            "file": "path: counts.csv",
            "csv": "url: \"\(server.url("files/counts.csv"))\"",
            "json": "url: \"\(server.url("files/counts.json"))\", json_path: data.rows",
            "gzip": "url: \"\(server.url("gzip/counts.csv"))\"",
            "chunked": "url: \"\(server.url("chunked/counts.csv"))\"",
            "redirect": "url: \"\(server.url("redirect/counts.csv"))\"",
        ]
        for (name, source) in pipelines {
            let pipeline = try dir.write("\(name).yml", Sample.pipeline(source, out: "out-\(name)"))
            let result = try Jianfu.run(["run", pipeline.path])
            #expect(result.status == 0, "\(name): \(result)")
        }

        // Written out by hand (baseline 2018-01..12, evaluation the 12 months to 2019-02):
        // U1 baseline (10+12)/2 = 11, current (6+7)/2 = 6.5, rate 4.5/11 = 0.4090909090909091;
        // U2 baseline 8, current (4+5)/2 = 4.5, rate 3.5/8 = 0.4375.
        let indicators = try String(contentsOf: dir.file("out-file/indicators.csv"), encoding: .utf8)
        #expect(indicators.contains("\nU1,,,false,documents,11,6.5,-4.5,0.4090909090909091,"))
        #expect(indicators.contains("\nU2,,,false,documents,8,4.5,-3.5,0.4375,"))
        for name in pipelines.keys where name != "file" {
            for output in ["indicators.csv", "series.csv", "scores.csv", "rejected.csv"] {
                let expected = try Data(contentsOf: dir.file("out-file/\(output)"))
                #expect(try Data(contentsOf: dir.file("out-\(name)/\(output)")) == expected, "\(name): \(output)")
            }
        }
        // The bad period is the 7th JSON record: line 7 + 1, as in the CSV file.
        let rejected = try String(contentsOf: dir.file("out-json/rejected.csv"), encoding: .utf8)
        #expect(rejected.contains("counts,8,period,bad_period,"))
        // gzip was offered, sent and decoded.
        let gzip = try server.requests("gzip/counts.csv")
        #expect(gzip.headers.first?["Accept-Encoding"]?.contains("gzip") == true)
        // The summary names the URL as the source's path.
        let summary = try String(contentsOf: dir.file("out-csv/summary.json"), encoding: .utf8)
        #expect(summary.contains(server.url("files/counts.csv").replacingOccurrences(of: "/", with: "\\/"))
            || summary.contains(server.url("files/counts.csv")))
    }

    /// No `format:`: the server's `Content-Type: application/json` decides. A bad record is
    /// rejected with its position in the array + 1 as its line.
    @Test func aJSONBodyIsRecognisedByItsContentTypeAndBadRecordsNamed() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("rows.json", """
            [{"unit_id": "U1", "period": "2018-01", "metric": "documents", "value": 3},
             {"unit_id": "U1", "period": "2018-02", "metric": "documents", "value": "x"},
             5]
            """)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", Sample.pipeline("url: \"\(server.url("files/rows.json"))\""))
        let result = try Jianfu.run(["run", pipeline.path])
        #expect(result.status == 0, "\(result)")
        #expect(try String(contentsOf: dir.file("out/series.csv"), encoding: .utf8).contains("U1,documents,2018-01,3\n"))
        let rejected = try String(contentsOf: dir.file("out/rejected.csv"), encoding: .utf8)
        #expect(rejected.contains("\ncounts,3,value,bad_value,"), "record 2 → line 3: \(rejected)")
        #expect(rejected.contains("\ncounts,4,,malformed_row,"), "record 3 → line 4: \(rejected)")
    }

    @Test(arguments: ["etag", "lastmod"])
    func aSecondRunGetsA304AndUsesTheKeptCopy(route: String) throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("counts.csv", Sample.csv)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", Sample.pipeline("url: \"\(server.url("\(route)/counts.csv"))\""))

        let first = try Jianfu.run(["run", pipeline.path])
        #expect(first.status == 0, "\(first)")
        #expect(!first.stderr.contains("not modified"))
        let firstIndicators = try Data(contentsOf: dir.file("out/indicators.csv"))

        let second = try Jianfu.run(["run", pipeline.path])
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.contains("source counts: not modified (304), using the copy from 20"), "\(second)")
        #expect(try Data(contentsOf: dir.file("out/indicators.csv")) == firstIndicators)

        let requests = try server.requests("\(route)/counts.csv")
        #expect(requests.statuses == [200, 304])
        if route == "etag" {
            #expect(requests.headers.last?["If-None-Match"] == "\"v1\"")
        } else {
            #expect(requests.headers.last?["If-Modified-Since"] == "Mon, 01 Jan 2024 00:00:00 GMT")
        }
        // The state sits beside the pipeline, the body in .jianfu/cache.
        #expect(dir.exists(".jianfu/p.http-cache.json"))
        #expect(dir.exists(".jianfu/cache/p.counts.body"))
    }

    /// A units source over HTTP, read by `UnitsReader` straight from the loaded pipeline (no
    /// fetch stage): the source fetches itself.
    @Test func aSourceReadWithoutTheFetchStageFetchesItself() throws {
        let dir = try TempDir(), served = try TempDir()
        defer { dir.remove(); served.remove() }
        try served.write("units.json", #"[{"unit_id": "U1", "name": "甲村"}, {"unit_id": "U2", "name": "乙村"}]"#)
        let server = try TestServer(root: served.url)
        let pipeline = try dir.write("p.yml", """
            sources:
              - {name: counts, path: counts.csv}
              - {name: units, kind: units, url: "\(server.url("files/units.json"))"}
            metrics: {documents: {target: 0.3}}
            baseline: {from: 2018-01, to: 2018-12}

            """)
        let config = try PipelineLoader.load(path: pipeline.path)
        let units = try UnitsReader.read(try #require(config.sources.last))
        #expect(units.units.map(\.id) == ["U1", "U2"])
        #expect(units.units.map(\.name) == ["甲村", "乙村"])
        #expect(units.report.path == server.url("files/units.json"))
    }
}
