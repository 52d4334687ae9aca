extension IndustryPortfolios {
    /// A representative SIC code of each of Ken French's 48 industries (the start of its main SIC range
    /// in the library's Siccodes48 definitions), so that industries fall into SIC divisions exactly as CRSP
    /// stocks do (`SICDivision(sicCode:)`): the sectors of `allocate by sector` on the 48 industries.
    /// "Other" (sanitation, 4950–4991, and unclassified firms) stays Other.
    public static let representativeSICCodes: [String: Int] = [
        "Agric": 100, "Food": 2000, "Soda": 2064, "Beer": 2080, "Smoke": 2100, "Toys": 3940, "Fun": 7800,
        "Books": 2700, "Hshld": 2840, "Clths": 2300, "Hlth": 8000, "MedEq": 3840, "Drugs": 2830, "Chems": 2800,
        "Rubbr": 3050, "Txtls": 2200, "BldMt": 3200, "Cnstr": 1500, "Steel": 3300, "FabPr": 3400, "Mach": 3510,
        "ElcEq": 3600, "Autos": 3710, "Aero": 3720, "Ships": 3730, "Guns": 3760, "Gold": 1040, "Mines": 1000,
        "Coal": 1200, "Oil": 1300, "Util": 4900, "Telcm": 4800, "PerSv": 7200, "BusSv": 7300, "Comps": 3570,
        "Chips": 3670, "LabEq": 3820, "Paper": 2600, "Boxes": 2650, "Trans": 4000, "Whlsl": 5000, "Rtail": 5200,
        "Meals": 5800, "Banks": 6000, "Insur": 6300, "RlEst": 6500, "Fin": 6200,
    ]

    /// The SIC division (sector) of each industry, in the order of `industries`.
    public var sectors: [String] {
        industries.map { name in
            SICDivision(sicCode: IndustryPortfolios.representativeSICCodes[name]).name
        }
    }
}
