/// Charts drawn on the server as inline SVG: nothing to fetch, nothing to run
/// in the browser. Every chart carries its figures as text too (an
/// `aria-label` and a table beside it), and its series differ by marker shape
/// and dash as well as by colour (Okabe–Ito colours, told apart by readers
/// with colour-blindness).
enum Charts {
    /// One point of a weekly series: the week's last day, the rate, and how many reviews it rests on.
    struct Week: Sendable {
        var label: String
        var rate: Double?
        var reviewed: Int
    }

    /// A series of a multi-line chart.
    struct Series: Sendable {
        var name: String
        var weeks: [Week]
    }

    /// Okabe–Ito: blue, vermillion, bluish green; each series also has its own marker and dash.
    static let colours = ["#0072B2", "#D55E00", "#009E73"]
    static let dashes = ["", "6 3", "2 3"]

    /// A row's trend: a small line of weekly rates, gaps where nothing was reviewed, the latest point
    /// marked. Its figures are in its `<title>` (the accessible name of an `img`, and a tooltip): an
    /// organisation has thousands of rows, so each carries its words once.
    static func sparkline(_ rates: [Double?], reviewed: [Int]? = nil) -> String {
        let width = 96.0, height = 24.0
        let step = rates.count > 1 ? width / Double(rates.count - 1) : 0
        func y(_ rate: Double) -> Double { 2 + (1 - min(max(rate, 0), 1)) * (height - 4) }
        var path = ""
        var last: (x: Double, y: Double)?
        var penDown = false
        var words = "Weekly say-do rate, oldest first:"
        for (index, rate) in rates.enumerated() {
            words += index == 0 ? " " : ", "
            words += Format.percent(rate)
            if let reviewed, index < reviewed.count, rate != nil { words += " of \(reviewed[index])" }
            guard let rate else {
                penDown = false
                continue
            }
            let point = (x: Double(index) * step, y: y(rate))
            path += (penDown ? "L" : "M") + number(point.x) + " " + number(point.y)
            penDown = true
            last = point
        }
        var svg = "<svg class=\"spark\" viewBox=\"-2 0 100 24\" width=\"100\" height=\"24\" role=\"img\"><title>"
        svg += words
        svg += "</title><line class=\"goal\" x1=\"0\" x2=\"96\" y1=\"8\" y2=\"8\"/>"
        if !path.isEmpty { svg += "<path d=\"\(path)\"/>" }
        if let last { svg += "<circle cx=\"\(number(last.x))\" cy=\"\(number(last.y))\" r=\"2\"/>" }
        return svg + "</svg>"
    }

    /// The team's weekly chart: a bar per week for how many reviews it holds (so one review does not
    /// look like twenty), and the say-do rate per week as a line over it.
    static func weekly(_ weeks: [Week], title: String) -> String {
        let frame = RateFrame(height: 220, right: 44, bottom: 34, weeks: weeks.count)
        let (width, height, right, top) = (frame.width, frame.height, frame.right, frame.top)
        let (plotHeight, slot) = (frame.plotHeight, frame.slot)
        let most = max(1, weeks.map(\.reviewed).max() ?? 1)
        let x = frame.x, yRate = frame.y
        var svg = frame.opening(kind: "weekly", title: title)
        svg += "<text class=\"axis\" x=\"\(number(width - right + 6))\" y=\"\(number(top + 4))\" dominant-baseline=\"hanging\">\(most)</text>"
        svg += "<text class=\"axis\" x=\"\(number(width - right + 6))\" y=\"\(number(top + plotHeight))\">0</text>"
        for (index, week) in weeks.enumerated() {
            let barHeight = plotHeight * Double(week.reviewed) / Double(most)
            svg += "<rect class=\"reviewed\" x=\"\(number(x(index) - slot * 0.3))\" y=\"\(number(top + plotHeight - barHeight))\" "
                + "width=\"\(number(slot * 0.6))\" height=\"\(number(barHeight))\"><title>\(Format.html(week.label)): "
                + "\(week.reviewed) reviewed</title></rect>"
            if index % max(1, weeks.count / 6) == 0 || index == weeks.count - 1 {
                svg += "<text class=\"axis\" x=\"\(number(x(index)))\" y=\"\(number(height - 12))\" text-anchor=\"middle\">"
                    + "\(Format.html(String(week.label.suffix(5))))</text>"
            }
        }
        svg += line(weeks, x: x, y: yRate, colour: colours[0], dash: "", marker: .circle, name: "say-do rate")
        svg += "</svg>"
        return svg
    }

    /// Follow-through by kind over the weeks: one line per kind, each with its own colour, marker and dash.
    static func byKind(_ series: [Series], title: String) -> String {
        let frame = RateFrame(height: 200, right: 16, bottom: 30, weeks: series.first?.weeks.count ?? 0)
        let x = frame.x, yRate = frame.y
        var svg = frame.opening(kind: "by-kind", title: title)
        let markers: [Marker] = [.circle, .square, .triangle]
        for (index, one) in series.enumerated() {
            svg += line(
                one.weeks, x: x, y: yRate, colour: colours[index % 3], dash: dashes[index % 3], marker: markers[index % 3],
                name: one.name)
        }
        svg += "</svg>"
        return svg
    }

    /// The plot area of a chart of weekly rates (0 to 100 % upwards, one slot per week), and its
    /// opening: the `<svg>` with its title, and the grid at 0, 40, 70 and 100 % (the health bands).
    struct RateFrame {
        let width = 640.0, left = 44.0, top = 14.0
        let height: Double, right: Double, bottom: Double
        let plotHeight: Double, slot: Double

        init(height: Double, right: Double, bottom: Double, weeks: Int) {
            self.height = height
            self.right = right
            self.bottom = bottom
            plotHeight = height - top - bottom
            let plotWidth = width - left - right
            slot = weeks == 0 ? plotWidth : plotWidth / Double(weeks)
        }

        func x(_ index: Int) -> Double { left + slot * (Double(index) + 0.5) }
        func y(_ rate: Double) -> Double { top + (1 - min(max(rate, 0), 1)) * plotHeight }

        func opening(kind: String, title: String) -> String {
            var svg = "<svg class=\"chart \(kind)\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" "
                + "aria-labelledby=\"\(kind)-title\"><title id=\"\(kind)-title\">\(Format.html(title))</title>"
            for tick in [0.0, 0.4, 0.7, 1.0] {
                let yy = number(y(tick))
                svg += "<line class=\"grid\" x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(yy)\" y2=\"\(yy)\"/>"
                svg += "<text class=\"axis\" x=\"\(number(left - 6))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                    + "\(Int(tick * 100)) %</text>"
            }
            return svg
        }
    }

    /// The shape that marks a series' points, so series differ without colour.
    enum Marker: String { case circle, square, triangle }

    private static func line(
        _ weeks: [Week], x: (Int) -> Double, y: (Double) -> Double, colour: String, dash: String, marker: Marker, name: String
    ) -> String {
        var path = ""
        var points = ""
        var penDown = false
        for (index, week) in weeks.enumerated() {
            guard let rate = week.rate else {
                penDown = false
                continue
            }
            let px = x(index), py = y(rate)
            path += (penDown ? "L" : "M") + number(px) + " " + number(py)
            penDown = true
            let tip = "<title>\(Format.html(name)), \(Format.html(week.label)): \(Format.percent(rate)) of \(week.reviewed)</title>"
            switch marker {
            case .circle:
                points += "<circle class=\"point\" cx=\"\(number(px))\" cy=\"\(number(py))\" r=\"4\" fill=\"\(colour)\">\(tip)</circle>"
            case .square:
                points += "<rect class=\"point\" x=\"\(number(px - 3.5))\" y=\"\(number(py - 3.5))\" width=\"7\" height=\"7\" fill=\"\(colour)\">\(tip)</rect>"
            case .triangle:
                points += "<polygon class=\"point\" points=\"\(number(px)),\(number(py - 4.5)) \(number(px - 4.5)),\(number(py + 3.5)) "
                    + "\(number(px + 4.5)),\(number(py + 3.5))\" fill=\"\(colour)\">\(tip)</polygon>"
            }
        }
        let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
        return "<g class=\"series\" data-series=\"\(Format.html(name))\"><path class=\"line\" d=\"\(path)\" stroke=\"\(colour)\"\(dashAttribute)/>"
            + points + "</g>"
    }

    /// A coordinate with at most one decimal: small pages, stable output.
    static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e9 else { return "0" }
        let tenths = Int((value * 10).rounded())
        if tenths >= 0, tenths < smallNumbers.count { return smallNumbers[tenths] }
        let whole = tenths / 10, fraction = abs(tenths % 10)
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }

    /// 0 to 99.9 by tenths, made once: the sparklines of thousands of rows use nothing else.
    private static let smallNumbers: [String] = (0..<1_000).map { tenths in
        tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}
