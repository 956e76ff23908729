import Testing

@testable import JianfuPipeline

/// `jianfu sample`'s generator, weights and draw (SPEC §7 随机调研), on numbers worked out by
/// hand or published with the reference generators.
@Suite struct SpotCheckTests {
    // MARK: The generator

    /// Vigna's `splitmix64.c` seeded with 0: its first four outputs, as published with other
    /// implementations' tests (e.g. the Scala `SplitMix64Suite` of quine's `gen`: the first two
    /// as signed longs -2152535657050944081 and 7960286522194355700).
    @Test func splitMix64MatchesTheReference() {
        var mixer = SplitMix64(seed: 0)
        #expect([mixer.next(), mixer.next(), mixer.next(), mixer.next()]
            == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    /// The reference `xoshiro256starstar.c` with s = {1, 2, 3, 4}: the ten outputs the `rand_xoshiro`
    /// crate and morinim/xoshiro256ss test against.
    @Test func xoshiro256StarStarMatchesTheReference() {
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        let outputs = (0..<10).map { _ in generator.next() }
        #expect(outputs == [
            11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360, 607_988_272_756_665_600,
            16_172_922_978_634_559_625, 8_476_171_486_693_032_832, 10_595_114_339_597_558_777, 2_904_607_092_377_533_576,
        ])
    }

    /// `--seed 0`: xoshiro256** with the four SplitMix64 outputs above as its state. The first
    /// output by hand from the reference step: rotl(s1 × 5, 7) × 9 with s1 = 0x6E789E6AA1B965F4
    /// (mod 2⁶⁴) = 11091344671253066420; the next two from the same step, computed with a
    /// ten-line transcription of the reference C in Python (not this code).
    @Test func aSeedStartsFromSplitMix64() {
        var generator = Xoshiro256StarStar(seed: 0)
        #expect([generator.next(), generator.next(), generator.next()]
            == [11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768])
    }

    /// The top 53 bits over 2⁵³: the first output 11520 of s = {1, 2, 3, 4} is 11520 >> 11 = 5
    /// (11520 / 2048 = 5.625), so 5 × 2⁻⁵³.
    @Test func aUnitNumberIsTheTop53BitsOver2To53() {
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect(generator.nextUnit() == 5 * 0x1p-53)
        #expect(generator.nextUnit() == 0)  // the second output is 0
    }

    // MARK: The weight

    /// 1 + 2 × (100 − composite)/100 + 0.5 × alerts, rounded to 3 decimals.
    @Test(arguments: [
        (100.0, 0, 1.0),  // 1 + 0 + 0
        (50.0, 0, 2.0),  // 1 + 2 × 0.5
        (0.0, 2, 4.0),  // 1 + 2 × 1 + 0.5 × 2
        (73.4567, 1, 2.031),  // 1 + 2 × 0.265433 + 0.5 = 2.030866 → 2.031
        (99.9996, 0, 1.0),  // 1 + 2 × 0.000004 = 1.000008 → 1.000
        (90.0, 5, 3.7),  // 1 + 0.2 + 2.5
    ] as [(Double, Int, Double)])
    func weightLeansTowardLowCompositesAndAlerts(composite: Double, alerts: Int, expected: Double) {
        #expect(SpotCheckWeight.weight(composite: composite, alerts: alerts) == expected)
    }

    /// A unit without a composite counts as composite 0: 1 + 2 = 3, plus its alerts.
    @Test func noCompositeCountsAsZero() {
        #expect(SpotCheckWeight.weight(composite: nil, alerts: 0) == 3)
        #expect(SpotCheckWeight.weight(composite: nil, alerts: 1) == 3.5)
    }

    // MARK: The draw

    /// Weights 1, 2, 3, 4 (W = 10): u × W falls in [0, 1) → the first, [1, 3) → the second,
    /// [3, 6) → the third, [6, 10) → the fourth.
    @Test func aPickIsWhereTheRunningSumFirstExceedsUTimesTheTotal() {
        let weights = [1.0, 2, 3, 4]
        func pick(_ u: Double) -> Int { SpotCheckDraw.choose([0, 1, 2, 3], weight: { weights[$0] }, u: u) }
        #expect(pick(0) == 0)
        #expect(pick(0.0999) == 0)
        #expect(pick(0.1) == 1)  // target 1: not below the first sum (1), below the second (3)
        #expect(pick(0.2999) == 1)
        #expect(pick(0.3) == 2)
        #expect(pick(0.6) == 3)
        #expect(pick(0.9999999) == 3)
    }

    /// Four units of one category, without parents (so no stratum steers the draw), with the
    /// weights 1, 2, 3, 4 from the formula: composite 100; 50; none; 0 with 2 alerts.
    static let fourUnits = [
        SpotCheckCandidate(unitID: "D4", category: "village", parentID: nil, weight: SpotCheckWeight.weight(composite: 0, alerts: 2)),
        SpotCheckCandidate(unitID: "B2", category: "village", parentID: nil, weight: SpotCheckWeight.weight(composite: 50, alerts: 0)),
        SpotCheckCandidate(unitID: "A1", category: "village", parentID: nil, weight: SpotCheckWeight.weight(composite: 100, alerts: 0)),
        SpotCheckCandidate(unitID: "C3", category: "village", parentID: nil, weight: SpotCheckWeight.weight(composite: nil, alerts: 0)),
    ]

    static func ids(_ candidates: [SpotCheckCandidate], count: Int, seed: UInt64) -> [String] {
        SpotCheckDraw.draw(candidates, count: count, seed: seed).map { candidates[$0.candidate].unitID }
    }

    /// Pinned for every later version. `--seed 42` gives the unit numbers 0.0838629710…,
    /// 0.3789802506…, 0.6800434110…, 0.9246929453… (the Python transcription above). In id
    /// order A1 (1), B2 (2), C3 (3), D4 (4), W = 10: 0.839 < 1 → A1. Left B2, C3, D4, W = 9:
    /// 3.411 ≥ 2, < 5 → C3. Left B2, D4, W = 6: 4.080 ≥ 2, < 6 → D4. Then B2.
    @Test func seed42DrawsA1C3D4B2() {
        #expect(Self.ids(Self.fourUnits, count: 4, seed: 42) == ["A1", "C3", "D4", "B2"])
        #expect(Self.ids(Self.fourUnits, count: 2, seed: 42) == ["A1", "C3"])
    }

    /// The input order does not matter: candidates are drawn in id order.
    @Test func theDrawDoesNotDependOnTheOrderOfTheCandidates() {
        let reversed = Array(Self.fourUnits.reversed())
        for seed in UInt64(1)...50 {
            #expect(Self.ids(reversed, count: 3, seed: seed) == Self.ids(Self.fourUnits, count: 3, seed: seed))
        }
    }

    /// 10 000 fixed seeds, one unit each: unit i is drawn with probability wᵢ / 10, so about
    /// 1000, 2000, 3000, 4000 times. The standard deviation of a count is at most
    /// √(10000 × 0.4 × 0.6) ≈ 49; the tolerance, 200, is about 4 of them. The seeds are fixed,
    /// so the test is deterministic; the tolerance says what a correct generator may miss by.
    @Test func tenThousandSeedsDrawInProportionToWeight() {
        var counts: [String: Int] = [:]
        for seed in UInt64(1)...10_000 {
            for id in Self.ids(Self.fourUnits, count: 1, seed: seed) { counts[id, default: 0] += 1 }
        }
        let expected = ["A1": 1000, "B2": 2000, "C3": 3000, "D4": 4000]
        for (id, count) in expected {
            #expect(abs(counts[id, default: 0] - count) < 200, "\(id): \(counts[id, default: 0]) times, about \(count) expected")
        }
        #expect(counts["A1", default: 0] < counts["B2", default: 0])
        #expect(counts["B2", default: 0] < counts["C3", default: 0])
        #expect(counts["C3", default: 0] < counts["D4", default: 0])
    }

    /// Two units each, without replacement: P(i) = wᵢ/W + Σⱼ≠ᵢ (wⱼ/W) × wᵢ/(W − wⱼ), W = 10:
    ///   A1: 0.1 + 0.2·1/8 + 0.3·1/7 + 0.4·1/6 = 0.2345
    ///   B2: 0.2 + 0.1·2/9 + 0.3·2/7 + 0.4·2/6 = 0.4413
    ///   C3: 0.3 + 0.1·3/9 + 0.2·3/8 + 0.4·3/6 = 0.6083
    ///   D4: 0.4 + 0.1·4/9 + 0.2·4/8 + 0.3·4/7 = 0.7159   (sum 2: two per list)
    /// so about 2345, 4413, 6083, 7159 of 10 000 lists; standard deviation at most 50, tolerance 200.
    @Test func tenThousandSeedsOfTwoFollowTheWeightsWithoutReplacement() {
        var counts: [String: Int] = [:]
        for seed in UInt64(1)...10_000 {
            let ids = Self.ids(Self.fourUnits, count: 2, seed: seed)
            #expect(Set(ids).count == 2)
            for id in ids { counts[id, default: 0] += 1 }
        }
        for (id, count) in ["A1": 2345, "B2": 4413, "C3": 6083, "D4": 7159] {
            #expect(abs(counts[id, default: 0] - count) < 200, "\(id): \(counts[id, default: 0]) times, about \(count) expected")
        }
        #expect(counts["A1", default: 0] < counts["B2", default: 0])
        #expect(counts["B2", default: 0] < counts["C3", default: 0])
        #expect(counts["C3", default: 0] < counts["D4", default: 0])
    }

    /// Three categories, three 上级 groups: villages V1 V2 under T1 and V3 V4 under T2 (heavy),
    /// community C1 under T1, county departments D1 D2 under the county CY (light).
    static let strata = [
        SpotCheckCandidate(unitID: "V1", category: "village", parentID: "T1", weight: 3),
        SpotCheckCandidate(unitID: "V2", category: "village", parentID: "T1", weight: 3),
        SpotCheckCandidate(unitID: "V3", category: "village", parentID: "T2", weight: 3),
        SpotCheckCandidate(unitID: "V4", category: "village", parentID: "T2", weight: 3),
        SpotCheckCandidate(unitID: "C1", category: "community", parentID: "T1", weight: 1),
        SpotCheckCandidate(unitID: "D1", category: "county_dept", parentID: "CY", weight: 1),
        SpotCheckCandidate(unitID: "D2", category: "county_dept", parentID: "CY", weight: 1),
    ]

    static func draw(_ count: Int, seed: UInt64) -> [(candidate: SpotCheckCandidate, reason: SpotCheckReason)] {
        SpotCheckDraw.draw(strata, count: count, seed: seed).map { (strata[$0.candidate], $0.reason) }
    }

    /// n = 3 = the number of categories: one of each, however light, each drawn for its category.
    @Test func aListAsLongAsTheCategoriesHoldsOneOfEach() {
        for seed in UInt64(1)...200 {
            let list = Self.draw(3, seed: seed)
            #expect(Set(list.map(\.candidate.category)) == ["village", "community", "county_dept"], "seed \(seed)")
            #expect(list.allSatisfy { $0.reason == .category($0.candidate.category) }, "seed \(seed)")
        }
    }

    /// n = 4: the three categories cover CY (a department), T1 (the community) and T1 or T2 (the
    /// village). When the village is under T1, the fourth pick is a T2 village, drawn for its
    /// group; else every group is covered and the fourth is drawn among all left.
    @Test func thenOneOfEachParentGroup() {
        for seed in UInt64(1)...200 {
            let list = Self.draw(4, seed: seed)
            #expect(Set(list.compactMap(\.candidate.parentID)) == ["T1", "T2", "CY"], "seed \(seed)")
            let village = list.first { $0.candidate.category == "village" }!.candidate
            #expect(list[3].reason == (village.parentID == "T1" ? .parent("T2") : .weighted), "seed \(seed)")
        }
    }

    /// n = 2 < 3 categories: two different categories, as far as n allows.
    @Test func fewerPicksThanCategoriesStillTakeDifferentCategories() {
        for seed in UInt64(1)...200 {
            let list = Self.draw(2, seed: seed)
            #expect(Set(list.map(\.candidate.category)).count == 2, "seed \(seed)")
        }
    }

    /// More asked than there are: every unit, once.
    @Test func askingForMoreThanThereAreTakesEveryUnitOnce() {
        let list = Self.draw(100, seed: 9)
        #expect(list.map(\.candidate.unitID).sorted() == ["C1", "D1", "D2", "V1", "V2", "V3", "V4"])
    }

    /// The `reason` column.
    @Test func reasonCodes() {
        #expect(SpotCheckReason.category("village").code == "category:village")
        #expect(SpotCheckReason.parent("330199001000").code == "parent:330199001000")
        #expect(SpotCheckReason.weighted.code == "weighted")
    }
}
