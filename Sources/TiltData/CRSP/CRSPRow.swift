/// One row of a CRSP stock file as its source gives it — a WRDS CSV extract (`CRSPExtract`) or a query
/// of WRDS's PostgreSQL tables — read into plain values. `CRSPPanelBuilder` turns rows into a panel the
/// same way whatever their source, so both give the same numbers.
public struct CRSPRow: Sendable, Equatable {
    public var permno: Int
    public var month: Month
    /// Day of the month, 0 for a date written without one (`YYYYMM`).
    public var day: Int
    /// RET in decimals; NaN when missing (a blank cell, a letter code such as B or C, or -66, -77, -88,
    /// -99).
    public var ret: Double
    /// PRC in $ (negative: CRSP's bid/ask average), NaN when missing.
    public var prc: Double
    /// SHROUT in thousands of shares, NaN when missing.
    public var shrout: Double
    /// SICCD as of the row's date, `nil` when blank (or the column is absent).
    public var siccd: Int?
    /// Whether the security is a common share as of the row's date (legacy: SHRCD 10 or 11; CIZ: an
    /// ordinary common equity of a US corporation), `false` when the code is blank, `nil` when the source
    /// has no share codes (then nothing is screened on them).
    public var commonShare: Bool?
    /// Whether it is listed on NYSE, AMEX or NASDAQ as of the row's date (legacy: EXCHCD 1, 2, 3; CIZ:
    /// primary exchange N, A, Q, regular way, active), `false` when blank, `nil` without exchange codes.
    public var mainExchange: Bool?
    /// Whether the row holds trading data (a RET or a PRC cell written, letter codes included); a row
    /// with neither only carries events (a delisting, a name change) and adds no month of data.
    public var isDataRow: Bool
    /// The delisting the row carries, if any (DLSTCD other than 100, or a DLRET).
    public var delisting: CRSPDelisting?
    /// Where the row is, for messages: its line in a CSV file, its position in a query's result.
    public var line: Int

    public init(permno: Int, month: Month, day: Int, ret: Double, prc: Double, shrout: Double, siccd: Int?,
                commonShare: Bool?, mainExchange: Bool?, isDataRow: Bool, delisting: CRSPDelisting?, line: Int) {
        self.permno = permno
        self.month = month
        self.day = day
        self.ret = ret
        self.prc = prc
        self.shrout = shrout
        self.siccd = siccd
        self.commonShare = commonShare
        self.mainExchange = mainExchange
        self.isDataRow = isDataRow
        self.delisting = delisting
        self.line = line
    }
}

/// A stock's delisting (CRSP's `msedelist`): when, why and at what return.
public struct CRSPDelisting: Sendable, Equatable {
    /// The month of DLSTDT (or of the row's date when the extract has no DLSTDT), the month whose return
    /// includes the delisting return.
    public var month: Month
    public var day: Int
    /// DLSTCD, `nil` when blank.
    public var code: Int?
    /// DLRET in decimals, NaN when missing (blank, a letter code A, P, S, T, or -55, -66, -88, -99).
    public var ret: Double
    /// Whether the month came from a DLSTDT cell (two rows of one stock must then agree).
    public var hasDate: Bool
    /// Whether the source's return of the delisting month already includes the delisting return (CRSP's
    /// CIZ format): the month is only flagged, nothing is compounded.
    public var isInReturn: Bool

    public init(month: Month, day: Int, code: Int?, ret: Double, hasDate: Bool, isInReturn: Bool = false) {
        self.month = month
        self.day = day
        self.code = code
        self.ret = ret
        self.hasDate = hasDate
        self.isInReturn = isInReturn
    }

    /// The return a holder earns at the delisting: DLRET when known; otherwise −30% for the performance-
    /// related codes 500 and 520–584 and 0 for any other code, after Shumway (1997), "The delisting bias
    /// in CRSP data" (Docs/conventions.md).
    public var effectiveReturn: Double {
        if !ret.isNaN { return ret }
        return CRSPDelisting.isPerformanceRelated(code) ? CRSPDelisting.missingPerformanceReturn : 0
    }

    /// The return assumed for a performance-related delisting without DLRET (Shumway 1997).
    public static let missingPerformanceReturn = -0.30

    /// Codes 500 and 520–584: delisted by the exchange for performance reasons (price, capital, insolvency…).
    public static func isPerformanceRelated(_ code: Int?) -> Bool {
        guard let code else { return false }
        return code == 500 || (520...584).contains(code)
    }

    /// DLSTCD 100 means "still active", not a delisting.
    public static let activeCode = 100
}

/// Choices when a CRSP extract or query becomes a universe.
public struct CRSPOptions: Sendable, Equatable, Codable {
    /// How SIC codes become sectors.
    public var sectors: SectorScheme = .sicDivisions
    /// Keep only common shares (SHRCD 10, 11) listed on NYSE, AMEX or NASDAQ (EXCHCD 1, 2, 3) in the
    /// months they are, when the extract has those columns; `false` keeps every security.
    public var commonSharesOnly = true

    public init(sectors: SectorScheme = .sicDivisions, commonSharesOnly: Bool = true, from: Month? = nil, to: Month? = nil) {
        self.sectors = sectors
        self.commonSharesOnly = commonSharesOnly
        self.from = from
        self.to = to
    }

    /// The share codes of common shares (ordinary common shares of US and of unspecified incorporation).
    public static let commonShareCodes: Set<Int> = [10, 11]
    /// The exchange codes of NYSE, AMEX (NYSE American) and NASDAQ.
    public static let mainExchangeCodes: Set<Int> = [1, 2, 3]
    /// First and last months of rows kept (`crsp(from: …, to: …)`); rows outside are skipped as read.
    public var from: Month?
    public var to: Month?
}
