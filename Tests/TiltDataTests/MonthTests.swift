import Testing
@testable import TiltData

@Test func monthsParseAndStep() {
    #expect(Month(parsing: "1994-01") == Month(1994, 1))
    #expect(Month(parsing: "199401") == Month(1994, 1))
    #expect(Month(parsing: "1994-13") == nil)
    #expect((Month(2024, 12) + 1).description == "2025-01")
    #expect(Month(2025, 1) - Month(2024, 11) == 2)
}
