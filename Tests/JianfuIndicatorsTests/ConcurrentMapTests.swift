import JianfuIndicators
import Testing

/// `Array.concurrentMap` must give exactly the sequential map: every index once, in order.
@Suite("concurrentMap") struct ConcurrentMapTests {
    @Test(arguments: [0, 1, 2, 7, 8, 9, 1000])
    func sameAsMap(count: Int) {
        let squares = [Int].concurrentMap(count: count) { $0 * $0 }
        #expect(squares == (0..<count).map { $0 * $0 })
    }

    @Test func moreBlocksThanElementsAndStrings() {
        let words = [String].concurrentMap(count: 3, blocks: 64) { "第\($0)" }
        #expect(words == ["第0", "第1", "第2"])
    }
}
