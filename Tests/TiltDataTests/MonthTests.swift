import Testing
@testable import TiltData

@Test func monthsParseAndStep() {
    #expect(Month(parsing: "1994-01") == Month(1994, 1))
    #expect(Month(parsing: "199401") == Month(1994, 1))
    #expect(Month(parsing: "1994-13") == nil)
    #expect((Month(2024, 12) + 1).description == "2025-01")
    #expect(Month(999, 6).description == "0999-06")
    #expect(Month(2, 1).description == "0002-01")
    #expect(Month(2025, 1) - Month(2024, 11) == 2)
}

/// The byte-level date reader behind `Month(parsing:)` and the CRSP loader: every accepted form, and
/// near misses that must be refused rather than misread.
@Test func datesParseInEveryAcceptedFormAndOnlyThose() {
    #expect(Month(parsing: "  1994-01\t") == Month(1994, 1))
    #expect(Month(parsing: "1994-01-31") == Month(1994, 1))
    for text in ["19940131", "1994/01", "1994-1", "94-01", "1994-01-32", "1994-01-00", "1994-00", "0999-01", "1994-01-",
                 "-1994-01", "1994--01", "+994-01", "1994-+1", "1994-01-+1", "1994 01", "1994-01-01-01", "", " ",
                 "１９９４-01", "1994-0１", "199401x", "1994013"] {
        #expect(Month(parsing: text) == nil, "\(text)")
    }
    // The CRSP loader's forms: also YYYYMMDD and YYYY/MM/DD.
    func date(_ text: String) -> String? {
        Month.dateFields(Substring(text), compactDays: true, slashes: true).map { "\(Month($0.year, $0.month)) \($0.day)" }
    }
    #expect(date("19940131") == "1994-01 31")
    #expect(date("1994-01-31") == "1994-01 31")
    #expect(date("1994/01/31") == "1994-01 31")
    #expect(date("199401") == "1994-01 0")
    #expect(date("1994-01") == "1994-01 0")
    for text in ["1994/01", "1994-01/31", "1994/01-31", "19940132", "19941331", "1994/01/1", "199401311", "1994-01-31x"] {
        #expect(date(text) == nil, "\(text)")
    }
}

/// A day must be one the month has: 30 days hath September…, and 29 February only in leap years
/// (every fourth year, but not 1900; 2000 is one).
@Test func daysMustExistInTheirMonth() {
    func date(_ text: String) -> Int? { Month.dateFields(Substring(text), compactDays: true, slashes: true)?.day }
    for text in ["2005-01-31", "2005-02-28", "2004-02-29", "2000-02-29", "2005-04-30", "2005-12-31", "20040229", "2004/02/29"] {
        #expect(date(text) != nil, "\(text)")
    }
    for text in ["2005-02-30", "2005-02-29", "1900-02-29", "2100-02-29", "2005-04-31", "2005-06-31", "2005-09-31",
                 "2005-11-31", "20050229", "2005/02/29"] {
        #expect(date(text) == nil, "\(text)")
    }
    #expect(Month(parsing: "2005-02-30") == nil && Month(parsing: "2004-02-29") == Month(2004, 2))
}
