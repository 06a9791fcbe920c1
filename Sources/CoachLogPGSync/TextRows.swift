/// Rows for one table, kept column by column as text, to be inserted with one
/// `INSERT ... SELECT ... FROM unnest($1::text[], ...)` statement: a single
/// round trip for thousands of rows, each value cast by PostgreSQL to its
/// column's type (`Schema.Column`). An absent value is the empty string,
/// which no nullable column can hold otherwise (ids, times and dates are
/// never empty), and `NULLIF` turns it into NULL.
///
/// Multi-row inserts rather than `COPY`: postgres-nio 1.33 traps when the
/// server goes away in the middle of a `COPY` (a precondition in its state
/// machine), and the exporter must outlive a PostgreSQL crash.
public struct TextRows: Sendable {
    public private(set) var columns: [[String]]
    public private(set) var count = 0
    private var column = 0

    public init(columns: Int) { self.columns = Array(repeating: [], count: columns) }

    public var isEmpty: Bool { count == 0 }

    public mutating func text(_ value: String?) {
        columns[column].append(value ?? "")
        column += 1
    }

    public mutating func integer(_ value: some BinaryInteger) { text(String(value)) }

    public mutating func double(_ value: Double?) { text(value.map { $0.isFinite ? "\($0)" : "NaN" }) }

    public mutating func bool(_ value: Bool) { text(value ? "t" : "f") }

    /// A `text[]` literal of plain words (topic names need no quoting).
    public mutating func words(_ values: [String]) { text("{" + values.joined(separator: ",") + "}") }

    public mutating func endRow() {
        precondition(column == columns.count, "a row of \(column) values for \(columns.count) columns")
        column = 0
        count += 1
    }
}
