import Foundation
import JianfuIndicators
import JianfuReports

/// The heading of the written bulletin (SPEC §6): its title, 期号 and issuer from the
/// pipeline's `bulletin:` key, and the date of issue.
enum BulletinHeading {
    static func make(config: PipelineConfig, evaluation: Evaluation, issued: Date) -> BulletinComposer.Heading {
        let last = evaluation.windows.evaluation.last
        let title = "关于\(last / 12)年\(last % 12 + 1)月基层减负工作情况的通报"
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.dateComponents([.year, .month, .day], from: issued)
        let issuedOn = "\(day.year!)年\(day.month!)月\(day.day!)日"
        return BulletinComposer.Heading(title: title, issue: nil, issuer: nil, issuedOn: issuedOn)
    }
}
