import JianfuModel
import Testing

/// The wall-clock time of an instant at a UTC offset, as the bulletin's header writes it.
@Suite struct LocalTimeTests {
    @Test func wallClockTimeInAZone() {
        // 1 700 000 000 s after the epoch is 2023-11-14 22:13:20 UTC; 8 hours east it is already
        // the next day, 06:13:20.
        let shanghai = LocalTime(epochSeconds: 1_700_000_000, utcOffset: 8 * 3600, zone: "Asia/Shanghai")
        #expect(shanghai.iso8601 == "2023-11-15T06:13:20+08:00")
        #expect(shanghai.chineseDate == "2023年11月15日")
        #expect(shanghai.reading == "2023-11-15 06:13（Asia/Shanghai）")
        let utc = LocalTime(epochSeconds: 1_700_000_000, utcOffset: 0, zone: "UTC")
        #expect(utc.iso8601 == "2023-11-14T22:13:20+00:00", "the offset is written out, never Z")
        // 2024 and 2000 are leap years: 1 709 164 800 = 19 782 days = 2024-02-29; 951 782 400 = 2000-02-29.
        #expect(LocalTime(epochSeconds: 1_709_164_800, utcOffset: 0, zone: "UTC").iso8601 == "2024-02-29T00:00:00+00:00")
        #expect(LocalTime(epochSeconds: 951_782_400, utcOffset: 0, zone: "UTC").iso8601 == "2000-02-29T00:00:00+00:00")
        // One second before the epoch, and a zone west of UTC with half hours.
        #expect(LocalTime(epochSeconds: -1, utcOffset: 0, zone: "UTC").iso8601 == "1969-12-31T23:59:59+00:00")
        #expect(LocalTime(epochSeconds: 0, utcOffset: -(3 * 3600 + 1800), zone: "America/St_Johns").iso8601
            == "1969-12-31T20:30:00-03:30")
    }
}
