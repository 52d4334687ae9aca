/// What the returns of a file are, for the one check a return must pass beyond being a number: nothing
/// can lose more than everything invested, so a return below −100% (−1 in decimals) is an error where it
/// is written, never a number to compound (wealth would go below zero and every statistic after it would
/// be meaningless). Exactly −100%, a total loss, is allowed.
public enum ReturnColumns: Sendable {
    /// Returns of assets: industries, stocks, the columns of a wide returns file.
    case assets
    /// A factor file's columns: factor returns, and the risk-free rate in the column `rf`.
    case factors

    /// Why a return below −100% in the column `name` is refused (the message after the cell's text).
    func refusal(column name: String) -> String {
        switch self {
        case .assets:
            return "is a return below −100%: no asset can lose more than everything invested"
        case .factors where FactorFile.canonicalName(name) == "rf":
            return "is a risk-free rate below −100%: a bill cannot lose more than everything invested"
        case .factors:
            return "is a factor return below −100%, refused as an asset's would be: a market excess return cannot fall that low and long–short factors never come near it"
        }
    }
}
