/// The quotient graph on which approximate minimum degree eliminates nodes, with the workspace
/// arrays of SuiteSparse's `amd_2` (same names, same invariants):
///
/// - `pe[i]`: start of `i`'s list in `iw`; `flip(parent)` once `i` is absorbed (a variable merged into
///   a supervariable, or an element absorbed into a newer one); `empty` for roots and dense rows.
/// - `len[i]`, `elen[i]`: length of `i`'s list and how many leading entries are elements.
/// - `nv[i]`: size of supervariable `i` (0 if non-principal); negated while `i` is in the new element.
/// - `degree[i]`: approximate external degree; `head`/`next`/`last`: degree lists, reused as hash buckets.
/// - `w[e]`: flag/counter array; `w[e] == 0` marks an absorbed element.
struct AMDQuotientGraph {
    private static let empty = -1
    private static func flip(_ i: Int) -> Int { -i - 2 }

    private let n: Int
    private let aggressive: Bool
    private var pe: [Int]
    private var len: [Int]
    private var iw: [Int]
    private var pfree: Int
    private var nv: [Int]
    private var next: [Int]
    private var last: [Int]
    private var head: [Int]
    private var elen: [Int]
    private var degree: [Int]
    private var w: [Int]
    private var wflg = 2
    private let wbig: Int
    private var minimumDegree = 0
    private var eliminatedCount = 0
    private var largestElement = 0
    /// Principal variables in the order they were chosen as pivots.
    private var pivotSequence: [Int] = []

    init(adjacency: SymmetricAdjacency, options: ApproximateMinimumDegree.Options) {
        n = adjacency.degree.count
        aggressive = options.aggressiveAbsorption
        let edges = adjacency.neighbours.count
        // Elbow room as in SuiteSparse (1.2·|A+Aᵀ| + n); garbage collection reclaims the rest.
        iw = adjacency.neighbours + [Int](repeating: 0, count: edges / 5 + n + 1)
        pfree = edges
        pe = adjacency.start
        len = adjacency.degree
        nv = [Int](repeating: 1, count: n)
        next = [Int](repeating: Self.empty, count: n)
        last = [Int](repeating: Self.empty, count: n)
        head = [Int](repeating: Self.empty, count: n)
        elen = [Int](repeating: 0, count: n)
        degree = adjacency.degree
        w = [Int](repeating: 1, count: n)
        wbig = Int.max - n
        pivotSequence.reserveCapacity(n)

        let dense: Int
        if options.denseRowFactor < 0 {
            dense = n - 2
        } else {
            let scaled = options.denseRowFactor * Double(n).squareRoot()
            dense = scaled >= Double(n) ? n : max(16, Int(clamping: scaled, rounding: .towardZero, to: 0...n))
        }
        for i in 0..<n {
            let deg = degree[i]
            if deg == 0 {
                // Empty row: eliminate now, it is a root of the assembly tree.
                elen[i] = Self.flip(1)
                eliminatedCount += 1
                pe[i] = Self.empty
                w[i] = 0
                pivotSequence.append(i)
            } else if deg > min(dense, n) {
                // Dense row: drop from the graph, ordered last.
                nv[i] = 0
                elen[i] = Self.empty
                eliminatedCount += 1
                pe[i] = Self.empty
            } else {
                insertIntoDegreeList(i, degree: deg)
            }
        }
    }

    /// Runs the elimination and returns the ordering (new index `k` is old index `result[k]`).
    mutating func eliminateAll() -> [Int] {
        while eliminatedCount < n {
            eliminateOnePivot()
        }
        return ordering()
    }

    // MARK: - One pivot step

    private mutating func eliminateOnePivot() {
        let me = selectPivot()
        let elenme = elen[me]
        var nvpiv = nv[me]
        eliminatedCount += nvpiv
        pivotSequence.append(me)

        var (pme1, pme2, degme) = constructElement(me)
        degree[me] = degme
        pe[me] = pme1
        len[me] = pme2 - pme1 + 1

        wflg = clearFlag(wflg)
        computeExternalElementDegrees(pme1: pme1, pme2: pme2)
        updateDegreesAndAbsorb(me: me, pme1: pme1, pme2: pme2, degme: &degme, nvpiv: &nvpiv)
        degree[me] = degme

        largestElement = max(largestElement, degme)
        wflg = clearFlag(wflg + largestElement)
        detectSupervariables(pme1: pme1, pme2: pme2)

        // Restore degree lists and remove non-principal supervariables from the element.
        var p = pme1
        let remaining = n - eliminatedCount
        for pme in stride(from: pme1, through: pme2, by: 1) {
            let i = iw[pme]
            let nvi = -nv[i]
            if nvi > 0 {
                nv[i] = nvi
                let deg = min(degree[i] + degme - nvi, remaining - nvi)
                insertIntoDegreeList(i, degree: deg)
                minimumDegree = min(minimumDegree, deg)
                degree[i] = deg
                iw[p] = i
                p += 1
            }
        }
        nv[me] = nvpiv
        len[me] = p - pme1
        if len[me] == 0 {
            pe[me] = Self.empty
            w[me] = 0
        }
        if elenme != 0 {
            pfree = p
        }
    }

    private mutating func selectPivot() -> Int {
        var deg = minimumDegree
        while head[deg] == Self.empty { deg += 1 }
        minimumDegree = deg
        let me = head[deg]
        let inext = next[me]
        if inext != Self.empty { last[inext] = Self.empty }
        head[deg] = inext
        return me
    }

    /// Builds the pattern `Lme` of the new element (principal variables adjacent to `me` or to the
    /// elements `me` absorbs) in `iw[pme1...pme2]`, flags its members by negating `nv`, removes them
    /// from the degree lists, and absorbs the elements adjacent to `me`. Returns the list bounds and
    /// the element's external degree.
    private mutating func constructElement(_ me: Int) -> (pme1: Int, pme2: Int, degme: Int) {
        let elenme = elen[me]
        nv[me] = -nv[me]
        var degme = 0
        if elenme == 0 {
            // No adjacent elements: build the new element in place of me's variable list.
            let pme1 = pe[me]
            var pme2 = pme1 - 1
            for p in pme1..<(pme1 + len[me]) {
                let i = iw[p]
                let nvi = nv[i]
                if nvi > 0 {
                    degme += nvi
                    nv[i] = -nvi
                    pme2 += 1
                    iw[pme2] = i
                    removeFromDegreeList(i)
                }
            }
            return (pme1, pme2, degme)
        }
        // Build the new element in free space at the end of iw, merging the patterns of all
        // elements adjacent to me and of me's own variables.
        var p = pe[me]
        var pme1 = pfree
        let slenme = len[me] - elenme
        for knt1 in 1...(elenme + 1) {
            let e: Int
            var pj: Int
            let ln: Int
            if knt1 > elenme {
                e = me
                pj = p
                ln = slenme
            } else {
                e = iw[p]
                p += 1
                pj = pe[e]
                ln = len[e]
            }
            var knt2 = 1
            while knt2 <= ln {
                let i = iw[pj]
                pj += 1
                let nvi = nv[i]
                if nvi > 0 {
                    if pfree >= iw.count {
                        // Out of room: shrink the lists being scanned to their unread parts,
                        // then compact iw.
                        pe[me] = p
                        len[me] -= knt1
                        if len[me] == 0 { pe[me] = Self.empty }
                        pe[e] = pj
                        len[e] = ln - knt2
                        if len[e] == 0 { pe[e] = Self.empty }
                        pme1 = collectGarbage(newElementStart: pme1)
                        pj = pe[e]
                        p = pe[me]
                    }
                    degme += nvi
                    nv[i] = -nvi
                    iw[pfree] = i
                    pfree += 1
                    removeFromDegreeList(i)
                }
                knt2 += 1
            }
            if e != me {
                // e is absorbed into me.
                pe[e] = Self.flip(me)
                w[e] = 0
            }
        }
        return (pme1, pfree - 1, degme)
    }

    /// Compacts `iw`, keeping every live list and the partially built element that starts at
    /// `newElementStart` and ends before `pfree`. Returns the element's new start.
    private mutating func collectGarbage(newElementStart pme1: Int) -> Int {
        // Mark the first entry of each live list with flip(owner), saving that entry in pe.
        for j in 0..<n {
            let pn = pe[j]
            if pn >= 0 {
                pe[j] = iw[pn]
                iw[pn] = Self.flip(j)
            }
        }
        var psrc = 0
        var pdst = 0
        while psrc < pme1 {
            let j = Self.flip(iw[psrc])
            psrc += 1
            if j >= 0 {
                iw[pdst] = pe[j]
                pe[j] = pdst
                pdst += 1
                let lenj = len[j]
                if lenj >= 2 {
                    for _ in 0...(lenj - 2) {
                        iw[pdst] = iw[psrc]
                        pdst += 1
                        psrc += 1
                    }
                }
            }
        }
        let newStart = pdst
        for q in pme1..<pfree {
            iw[pdst] = iw[q]
            pdst += 1
        }
        pfree = pdst
        return newStart
    }

    /// Scan 1: for every element `e` adjacent to a variable of the new element, set
    /// `w[e] - wflg = |Le \ Lme|`.
    private mutating func computeExternalElementDegrees(pme1: Int, pme2: Int) {
        guard pme1 <= pme2 else { return }
        for pme in pme1...pme2 {
            let i = iw[pme]
            let eln = elen[i]
            if eln > 0 {
                let nvi = -nv[i]
                let wnvi = wflg - nvi
                for p in pe[i]..<(pe[i] + eln) {
                    let e = iw[p]
                    var we = w[e]
                    if we >= wflg {
                        we -= nvi
                    } else if we != 0 {
                        we = degree[e] + wnvi
                    }
                    w[e] = we
                }
            }
        }
    }

    /// Scan 2: approximate degree of every variable in the new element, element absorption, mass
    /// elimination, and hashing of the surviving variables for supervariable detection.
    private mutating func updateDegreesAndAbsorb(me: Int, pme1: Int, pme2: Int, degme: inout Int, nvpiv: inout Int) {
        guard pme1 <= pme2 else { return }
        for pme in pme1...pme2 {
            let i = iw[pme]
            let p1 = pe[i]
            let p2 = p1 + elen[i] - 1
            var pn = p1
            var hash = 0
            var deg = 0
            if p1 <= p2 {
                for p in p1...p2 {
                    let e = iw[p]
                    let we = w[e]
                    if we != 0 {
                        let dext = we - wflg
                        if dext > 0 || !aggressive {
                            deg += dext
                            iw[pn] = e
                            pn += 1
                            hash &+= e
                        } else {
                            // Aggressive absorption: Le ⊆ Lme, so e is absorbed into me.
                            pe[e] = Self.flip(me)
                            w[e] = 0
                        }
                    }
                }
            }
            elen[i] = pn - p1 + 1
            let p3 = pn
            let p4 = p1 + len[i]
            if p2 + 1 < p4 {
                for p in (p2 + 1)..<p4 {
                    let j = iw[p]
                    let nvj = nv[j]
                    if nvj > 0 {
                        deg += nvj
                        iw[pn] = j
                        pn += 1
                        hash &+= j
                    }
                }
            }
            if elen[i] == 1 && p3 == pn {
                // Mass elimination: i is adjacent to me only, eliminate it together with me.
                pe[i] = Self.flip(me)
                let nvi = -nv[i]
                degme -= nvi
                nvpiv += nvi
                eliminatedCount += nvi
                nv[i] = 0
                elen[i] = Self.empty
            } else {
                degree[i] = min(degree[i], deg)
                // Put me at the front of i's list: first variable to the end, first element to
                // the end of the element part.
                iw[pn] = iw[p3]
                iw[p3] = iw[p1]
                iw[p1] = me
                len[i] = pn - p1 + 1
                // Hash bucket: chained through next; its head is stored in head (flipped) when the
                // degree list of that index is empty, otherwise in last[head].
                let bucket = hash % n
                let j = head[bucket]
                if j <= Self.empty {
                    next[i] = Self.flip(j)
                    head[bucket] = Self.flip(i)
                } else {
                    next[i] = last[j]
                    last[j] = i
                }
                last[i] = bucket
            }
        }
    }

    /// Merges variables of the new element whose quotient-graph adjacency is identical into one
    /// supervariable, scanning only hash buckets touched by this pivot.
    private mutating func detectSupervariables(pme1: Int, pme2: Int) {
        guard pme1 <= pme2 else { return }
        for pme in pme1...pme2 {
            var i = iw[pme]
            guard nv[i] < 0 else { continue }
            let bucket = last[i]
            let j = head[bucket]
            if j == Self.empty {
                i = Self.empty
            } else if j < Self.empty {
                i = Self.flip(j)
                head[bucket] = Self.empty
            } else {
                i = last[j]
                last[j] = Self.empty
            }
            while i != Self.empty && next[i] != Self.empty {
                let ln = len[i]
                let eln = elen[i]
                if ln >= 2 {
                    for p in (pe[i] + 1)..<(pe[i] + ln) { w[iw[p]] = wflg }
                }
                var jlast = i
                var j = next[i]
                while j != Self.empty {
                    var identical = len[j] == ln && elen[j] == eln
                    var p = pe[j] + 1
                    while identical && p < pe[j] + ln {
                        if w[iw[p]] != wflg { identical = false }
                        p += 1
                    }
                    if identical {
                        // j is absorbed into supervariable i (both nv negated while in Lme).
                        pe[j] = Self.flip(i)
                        nv[i] += nv[j]
                        nv[j] = 0
                        elen[j] = Self.empty
                        j = next[j]
                        next[jlast] = j
                    } else {
                        jlast = j
                        j = next[j]
                    }
                }
                wflg += 1
                i = next[i]
            }
        }
    }

    // MARK: - Helpers

    private mutating func clearFlag(_ flag: Int) -> Int {
        if flag < 2 || flag >= wbig {
            for x in 0..<n where w[x] != 0 { w[x] = 1 }
            return 2
        }
        return flag
    }

    private mutating func insertIntoDegreeList(_ i: Int, degree deg: Int) {
        let inext = head[deg]
        if inext != Self.empty { last[inext] = i }
        next[i] = inext
        last[i] = Self.empty
        head[deg] = i
    }

    private mutating func removeFromDegreeList(_ i: Int) {
        let ilast = last[i]
        let inext = next[i]
        if inext != Self.empty { last[inext] = ilast }
        if ilast != Self.empty {
            next[ilast] = inext
        } else {
            head[degree[i]] = inext
        }
    }

    /// The final permutation: pivots in elimination order, each preceded by the variables merged
    /// into it (supervariables, mass elimination); dense rows last. Equivalent to AMD's post-ordered
    /// result in fill, without the post-order's reshuffling of independent subtrees.
    private func ordering() -> [Int] {
        // representative[i]: the pivot with which variable i is eliminated (-1: dense, unassigned).
        var representative = [Int](repeating: -1, count: n)
        for i in 0..<n where nv[i] > 0 { representative[i] = i }
        var path: [Int] = []
        for i in 0..<n where nv[i] == 0 && pe[i] != Self.empty {
            var j = i
            while representative[j] < 0 {
                path.append(j)
                j = Self.flip(pe[j])
            }
            for q in path { representative[q] = representative[j] }
            path.removeAll(keepingCapacity: true)
        }
        var nextSlot = [Int](repeating: 0, count: n)
        var position = 0
        for e in pivotSequence {
            nextSlot[e] = position
            position += nv[e]
        }
        var result = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let e = representative[i]
            if e >= 0 {
                result[nextSlot[e]] = i
                nextSlot[e] += 1
            }
        }
        for i in 0..<n where representative[i] < 0 {
            result[position] = i
            position += 1
        }
        return result
    }
}
