/// How `FactorPortfolioSolver` moves from one guess to the next.
extension FreeSetModel {
    /// Relative amount by which an inactive limit (or the turnover) must be crossed before it is made
    /// active: far below the certificate's 1e-9, so that rounding at a limit that holds exactly does not
    /// make the guesses flip.
    static let activationSlack = 1e-12

    /// `activationSlack` at `value`: relative above 1 in magnitude, absolute below.
    static func roundingSlack(at value: Double) -> Double { activationSlack * max(1, abs(value)) }

    /// The full primal–dual update: each free weight that went past a stop onto it; each weight at a stop
    /// whose marginal value the stop cannot hold off it, onto the side it pulls to; each crossed limit onto
    /// it, each active limit whose multiplier has the wrong sign off it; the turnover limit likewise; and
    /// at a vertex above the risk budget, the weakest stop freed as well.
    func nextGuess(after guess: Guess, at point: Point) -> Guess {
        var next = guess
        for i in 0..<n { next.places[i] = nextPlace(i, guess.places[i], point) }
        if point.exceedsBudget { release(1, in: &next, from: guess, at: point, side: nil) }
        for (j, limit) in problem.limits.enumerated() where !limit.isEquality {
            let value = point.limitValues[j], slack = Self.roundingSlack(at: value)
            switch guess.limits[j] {
            case .inactive: next.limits[j] = value > limit.upper + slack ? .upper : value < limit.lower - slack ? .lower : .inactive
            case .upper: next.limits[j] = point.limitMultipliers[j] < 0 ? .inactive : .upper
            case .lower: next.limits[j] = point.limitMultipliers[j] > 0 ? .inactive : .lower
            }
        }
        if let limit = problem.trading?.turnoverLimit {
            next.turnoverActive = guess.turnoverActive ? point.turnoverMultiplier >= 0
                                                       : point.turnover > limit + Self.roundingSlack(at: limit)
        }
        return next
    }

    /// The marginal values a stop holds a weight against: the weight stays while its marginal value lies in
    /// [below, above] (−∞ below a lower bound, +∞ above an upper one; else ±(c + η) by the side of the
    /// weight held before, 0 without trading terms).
    func stopInterval(_ i: Int, _ place: Place, _ point: Point) -> (below: Double, above: Double) {
        let price = hasTrading ? point.price : 0
        let at = stopValue(i, place)
        let below = place == .lower ? -Double.infinity : (at > previous[i] ? price : -price)
        let above = place == .upper ? Double.infinity : (at < previous[i] ? -price : price)
        return (below, above)
    }

    /// Where weight i goes from `place`: a free weight onto the first stop it went past; a weight at a stop
    /// onto the free side its marginal value pulls it to when the stop cannot hold it (a weight whose
    /// bounds are equal stays).
    private func nextPlace(_ i: Int, _ place: Place, _ point: Point) -> Place {
        let x = point.weights[i], l = problem.lowerBounds[i], u = problem.upperBounds[i], w0 = previous[i]
        switch place {
        case .free:
            // Within rounding of a bound a free weight stays free: a limit can pin it there (a sector cap equal
            // to its other members' caps), and moving it onto the bound would leave the limit without a free
            // weight, to be released and the weight freed again.
            return x < l - Self.roundingSlack(at: l) ? .lower : x > u + Self.roundingSlack(at: u) ? .upper : .free
        case .sold: return x <= l ? .lower : x >= min(w0, u) ? (w0 < u ? .held : .upper) : .sold
        case .bought: return x >= u ? .upper : x <= max(w0, l) ? (w0 > l ? .held : .lower) : .bought
        case .lower, .upper, .held:
            guard l < u else { return place }
            let marginal = point.marginals[i], interval = stopInterval(i, place, point)
            if marginal > interval.above { return freeSide(i, above: stopValue(i, place)) }
            if marginal < interval.below { return freeSide(i, below: stopValue(i, place)) }
            return place
        }
    }

    /// The free place just above (or below) the value `at` of weight i.
    private func freeSide(_ i: Int, above at: Double) -> Place { hasTrading ? (at < previous[i] ? .sold : .bought) : .free }
    private func freeSide(_ i: Int, below at: Double) -> Place { hasTrading ? (at > previous[i] ? .bought : .sold) : .free }

    /// How far the point is from what the guess assumes at weight i: past its stop for a free weight;
    /// beyond what its stop holds for a weight at one.
    private func violation(_ i: Int, _ place: Place, _ point: Point) -> (release: Bool, amount: Double) {
        let x = point.weights[i]
        switch place {
        case .free, .sold, .bought:
            var amount = max(problem.lowerBounds[i] - x, x - problem.upperBounds[i])
            if place == .sold { amount = max(amount, x - previous[i]) }
            if place == .bought { amount = max(amount, previous[i] - x) }
            return (false, amount)
        case .lower, .upper, .held:
            let marginal = point.marginals[i], interval = stopInterval(i, place, point)
            return (true, max(marginal - interval.above, interval.below - marginal))
        }
    }

    /// How many single changes `singleChanges` offers at most (each costs a solve to try).
    static let singleChangeCandidates = 8

    /// `guess` with one of the changes `next` makes, the most violated first: releases (a weight off its
    /// stop, a limit whose multiplier has the wrong sign) by how much, then the free weights past their
    /// stops and the limits crossed, by how far.
    func singleChanges(from guess: Guess, to next: Guess, at point: Point) -> [Guess] {
        enum Change { case weight(Int), limit(Int), turnover }
        var changes: [(change: Change, release: Bool, amount: Double)] = []
        for i in 0..<n where guess.places[i] != next.places[i] {
            let (release, amount) = violation(i, guess.places[i], point)
            changes.append((.weight(i), release, amount))
        }
        for (j, limit) in problem.limits.enumerated() where guess.limits[j] != next.limits[j] {
            if guess.limits[j] == .inactive {
                changes.append((.limit(j), false, max(point.limitValues[j] - limit.upper, limit.lower - point.limitValues[j])))
            } else {
                changes.append((.limit(j), true, abs(point.limitMultipliers[j])))
            }
        }
        if guess.turnoverActive != next.turnoverActive {
            changes.append((.turnover, guess.turnoverActive,
                            guess.turnoverActive ? abs(point.turnoverMultiplier) : point.turnover - (problem.trading?.turnoverLimit ?? 0)))
        }
        changes.sort { ($0.release ? 1 : 0, $0.amount) > ($1.release ? 1 : 0, $1.amount) }
        return changes.prefix(Self.singleChangeCandidates).map { change in
            var single = guess
            switch change.change {
            case .weight(let i): single.places[i] = next.places[i]
            case .limit(let j): single.limits[j] = next.limits[j]
            case .turnover: single.turnoverActive = next.turnoverActive
            }
            return single
        }
    }

    /// Whether `next` releases a row `guess` holds active (a multiplier with the wrong sign).
    func releasesRows(from guess: Guess, to next: Guess) -> Bool {
        zip(guess.limits, next.limits).contains { $0 != .inactive && $1 == .inactive } || (guess.turnoverActive && !next.turnoverActive)
    }

    /// `guess` with one of the changes of the rows that `next` makes: a release (an active limit whose
    /// multiplier has the wrong sign, or the turnover limit's) by most, else the limit (or turnover) crossed
    /// by most; with `leastIndex`, the first that changes (the limits in order, then the turnover). Nil when
    /// the rows do not change.
    func singleRowChange(from guess: Guess, to next: Guess, at point: Point, leastIndex: Bool) -> Guess? {
        var changes: [(index: Int, release: Bool, amount: Double)] = []
        for (j, limit) in problem.limits.enumerated() where guess.limits[j] != next.limits[j] {
            let release = guess.limits[j] != .inactive
            changes.append((j, release, release ? abs(point.limitMultipliers[j])
                                                : max(point.limitValues[j] - limit.upper, limit.lower - point.limitValues[j])))
        }
        if guess.turnoverActive != next.turnoverActive {
            changes.append((problem.limits.count, guess.turnoverActive,
                            guess.turnoverActive ? abs(point.turnoverMultiplier) : point.turnover - (problem.trading?.turnoverLimit ?? 0)))
        }
        let chosen = leastIndex ? changes.first : changes.max { ($0.release ? 1 : 0, $0.amount) < ($1.release ? 1 : 0, $1.amount) }
        guard let chosen else { return nil }
        var single = guess
        if chosen.index < problem.limits.count {
            single.limits[chosen.index] = next.limits[chosen.index]
        } else {
            single.turnoverActive = next.turnoverActive
        }
        return single
    }

    /// A guess with fewer free weights than its rows need (`minimumFree`), or with an active limit none of
    /// whose weights is free, has no solution: the full update overshot. A limit that its weights' stops
    /// already satisfy is then left inactive (the stops' multipliers hold it); otherwise weights that were
    /// already at a stop are released until there are enough: for a limit without a free weight, its
    /// weakest (marginal value closest to what the stop holds); then the weakest overall, of the bound weights only those on
    /// the side that can restore the budget (upper-bound weights when the guess, filled in with the current
    /// point, holds more than 1; lower-bound ones when less); should that not be enough, the weights that
    /// went past a stop by least stay free.
    func keepFree(in next: inout Guess, from guess: Guess, at point: Point) {
        for (j, limit) in problem.limits.enumerated() where next.limits[j] != .inactive {
            let support = (0..<n).filter { limit.coefficients[$0] != 0 }
            guard !support.contains(where: { next.places[$0].tradeSign != nil }) else { continue }
            // The stops fix the limit's value: within it, the limit holds without a multiplier of its own.
            let value = support.reduce(0.0) { $0 + limit.coefficients[$1] * stopValue($1, next.places[$1]) }
            let slack = Self.roundingSlack(at: value)
            if !limit.isEquality, limit.lower - slack <= value, value <= limit.upper + slack {
                next.limits[j] = .inactive
            } else {
                release(1, in: &next, from: guess, at: point, side: nil, among: support)
            }
        }
        var missing = minimumFree(rows: next.rowCount) - next.freeCount
        guard missing > 0 else { return }
        let total = (0..<n).reduce(0.0) { sum, i in
            sum + (next.places[i].tradeSign == nil ? stopValue(i, next.places[i]) : point.weights[i])
        }
        missing -= release(missing, in: &next, from: guess, at: point, side: total > 1 ? .upper : total < 1 ? .lower : nil)
        guard missing > 0 else { return }
        let crossed = (0..<n).filter { guess.places[$0].tradeSign != nil && next.places[$0].tradeSign == nil }
            .sorted { violation($0, guess.places[$0], point).amount < violation($1, guess.places[$1], point).amount }
        for i in crossed.prefix(missing) { next.places[i] = guess.places[i] }
    }

    /// Frees up to `count` weights (of `among`, when given) that both guesses hold at the same stop, the
    /// weakest first (marginal value closest to what the stop holds), onto the side they lean to; bound
    /// weights only on `side` when one is given. Returns how many were freed.
    @discardableResult
    private func release(_ count: Int, in next: inout Guess, from guess: Guess, at point: Point, side: Place?,
                         among: [Int]? = nil) -> Int {
        func slack(_ i: Int) -> Double {
            let interval = stopInterval(i, next.places[i], point), marginal = point.marginals[i]
            return min(interval.above - marginal, marginal - interval.below)
        }
        let candidates = (among ?? Array(0..<n)).filter { i in
            let place = next.places[i]
            guard place.tradeSign == nil, guess.places[i] == place, problem.lowerBounds[i] < problem.upperBounds[i] else { return false }
            return place == .held || side == nil || place == side
        }.sorted { slack($0) < slack($1) }
        for i in candidates.prefix(count) {
            let interval = stopInterval(i, next.places[i], point), marginal = point.marginals[i], at = stopValue(i, next.places[i])
            let up = next.places[i] == .lower || (next.places[i] == .held && interval.above - marginal <= marginal - interval.below)
            next.places[i] = up ? freeSide(i, above: at) : freeSide(i, below: at)
        }
        return min(count, candidates.count)
    }
}
