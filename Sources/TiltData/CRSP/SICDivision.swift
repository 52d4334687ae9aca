/// The divisions of the Standard Industrial Classification, used as sectors for CRSP stocks.
/// A four-digit SIC code's first two digits (its major group) give the division.
public enum SICDivision: String, Sendable, CaseIterable {
    case agriculture = "Agriculture"                       // A: 01-09
    case mining = "Mining"                                 // B: 10-14
    case construction = "Construction"                     // C: 15-17
    case manufacturing = "Manufacturing"                   // D: 20-39
    case transportationUtilities = "Transportation & Utilities"  // E: 40-49
    case wholesale = "Wholesale"                           // F: 50-51
    case retail = "Retail"                                 // G: 52-59
    case finance = "Finance"                               // H: 60-67
    case services = "Services"                             // I: 70-89
    case publicAdministration = "Public Administration"    // J: 91-99
    case other = "Other"                                   // unknown (0, blank) or unassigned groups

    /// The division of a CRSP `siccd` (0...9999); `nil`, 0 and unassigned major groups are `.other`.
    public init(sicCode: Int?) {
        guard let code = sicCode, (1...9999).contains(code) else { self = .other; return }
        switch code / 100 {
        case 1...9: self = .agriculture
        case 10...14: self = .mining
        case 15...17: self = .construction
        case 20...39: self = .manufacturing
        case 40...49: self = .transportationUtilities
        case 50...51: self = .wholesale
        case 52...59: self = .retail
        case 60...67: self = .finance
        case 70...89: self = .services
        case 91...99: self = .publicAdministration
        default: self = .other
        }
    }

    /// The sector name used in panels ("Manufacturing").
    public var name: String { rawValue }
}
