import JianfuIndicators
import JianfuModel
import JianfuReports
import Testing

/// `ReportWriter.readsLedger`: a run makes the rectification ledger beside the writers that say
/// they do not read it, and starts them before it is made. A writer that says so must write the
/// same bytes whatever the ledger holds; one that reads it must be told it (the default).
struct LedgerReadingTests {
    /// The fixture's run without a ledger, and with one in which the previous bulletin
    /// (2024-11) raised every alert of this one, and one alert this one no longer raises: every
    /// alert persisting since 2024-11, one resolved.
    static func runs(_ fixture: ReportFixture) -> (without: RunInfo, with: RunInfo) {
        let keys = RectificationLedger.keys(of: fixture.evaluation)
        let gone = RectificationLedger.Key(unitID: "V1", metric: "survey", rule: .targetMissed)
        let earlier = RectificationLedger.Bulletin(month: 2024 * 12 + 10, alerts: Set(keys + [gone]))
        var with = fixture.run
        with.ledger = RectificationLedger.compare(current: keys, month: 2024 * 12 + 11, history: [earlier])
        var without = fixture.run
        without.ledger = nil
        return (without, with)
    }

    static func bytes(_ writer: any ReportWriter, _ evaluation: Evaluation, _ run: RunInfo) -> [UInt8] {
        let out = OutputBuffer()
        writer.write(evaluation, run: run, to: out)
        return out.bytes
    }

    @Test func theWritersThatDoNotReadTheLedgerWriteTheSameWithoutIt() throws {
        let fixture = try ReportFixture()
        let (without, with) = Self.runs(fixture)
        #expect(with.ledger?.open.allSatisfy { $0.status == .persisting } == true)
        #expect(with.ledger?.resolved.count == 1)
        let writers: [any ReportWriter] = [
            IndicatorsCSVWriter(), ScoresCSVWriter(), SeriesCSVWriter(), RejectedCSVWriter(), CorrectionsCSVWriter(),
            SummaryJSONWriter(), PrometheusWriter(),
        ]
        for writer in writers {
            #expect(!writer.readsLedger, "\(writer.fileName)")
            #expect(Self.bytes(writer, fixture.evaluation, without) == Self.bytes(writer, fixture.evaluation, with), "\(writer.fileName)")
        }
    }

    @Test func theWritersThatReadTheLedgerSayItAndWriteIt() throws {
        let fixture = try ReportFixture()
        let (without, with) = Self.runs(fixture)
        let writers: [any ReportWriter] = [AlertsCSVWriter(), IndexPageWriter(), BulletinMarkdownWriter(), ResultsWorkbookWriter()]
        for writer in writers {
            #expect(writer.readsLedger, "\(writer.fileName)")
        }
        // alerts.csv: `persisting` with a first_seen of 2024-11 on every open alert, and the
        // resolved one added, against `new` and this month without the ledger.
        let alerts = String(decoding: Self.bytes(AlertsCSVWriter(), fixture.evaluation, with), as: UTF8.self)
        let fresh = String(decoding: Self.bytes(AlertsCSVWriter(), fixture.evaluation, without), as: UTF8.self)
        #expect(alerts.contains(",2024-11,2,persisting"))
        #expect(alerts.contains("resolved"))
        #expect(!fresh.contains("persisting"))
        #expect(alerts != fresh)
    }
}
