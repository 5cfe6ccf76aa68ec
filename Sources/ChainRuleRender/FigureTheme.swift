/// The colours and type of a figure.
///
/// - `light` (default): black values, red gradients, white background.
/// - `dark`: for dark slides.
/// - `print`: black and grey only; gradients are also *italic* and prefixed
///   with `∂`, highlights are bold outlines, so nothing is carried by colour alone.
/// - `colorblind`: the Okabe–Ito palette (vermillion gradients, blue highlights).
public struct FigureTheme: Sendable, Hashable {
    /// The theme's name, as `--theme` takes it (`light`, `dark`, `print`, `colorblind`).
    public var name: String
    /// The page behind the figure (a CSS colour, `#rrggbb`).
    public var background: String
    /// Values, names, operation symbols.
    public var text: String
    /// Shapes, captions, constants.
    public var muted: String
    /// Gradients.
    public var gradient: String
    /// Edge lines (subdued).
    public var edge: String
    /// Fill of the operation circles.
    public var operationFill: String
    /// Outline of the operation circles.
    public var operationStroke: String
    /// Outline and edge colour of highlighted parts.
    public var highlight: String
    /// Fill behind highlighted parts.
    public var highlightFill: String
    /// Graphviz font list for every label.
    public var fontName: String
    /// Gradients drawn in italics (and prefixed with `gradientPrefix`).
    public var gradientItalic: Bool
    /// Text before every gradient (`∂ ` in `print`, so gradients differ from values without colour).
    public var gradientPrefix: String

    /// A theme of your own; colours are CSS colours (`#rrggbb`).
    public init(name: String, background: String, text: String, muted: String, gradient: String, edge: String,
                operationFill: String, operationStroke: String, highlight: String, highlightFill: String,
                fontName: String = "DejaVu Sans,sans-serif", gradientItalic: Bool = false, gradientPrefix: String = "") {
        self.name = name
        self.background = background
        self.text = text
        self.muted = muted
        self.gradient = gradient
        self.edge = edge
        self.operationFill = operationFill
        self.operationStroke = operationStroke
        self.highlight = highlight
        self.highlightFill = highlightFill
        self.fontName = fontName
        self.gradientItalic = gradientItalic
        self.gradientPrefix = gradientPrefix
    }

    /// Black values and red gradients on white: the default.
    public static let light = FigureTheme(
        name: "light", background: "#ffffff", text: "#1a1a1a", muted: "#6b7280", gradient: "#c0392b",
        edge: "#8c939d", operationFill: "#ffffff", operationStroke: "#3d4450",
        highlight: "#1c6fd1", highlightFill: "#e3effc")

    /// Light text and coral gradients on a dark background, for dark slides.
    public static let dark = FigureTheme(
        name: "dark", background: "#1b1e23", text: "#eceff4", muted: "#9aa3ad", gradient: "#ff7b72",
        edge: "#7d8590", operationFill: "#252a31", operationStroke: "#c9d1d9",
        highlight: "#58a6ff", highlightFill: "#1f3350")

    /// Black and grey only: gradients italic and prefixed with `∂`, highlights bold outlines.
    public static let print = FigureTheme(
        name: "print", background: "#ffffff", text: "#000000", muted: "#555555", gradient: "#000000",
        edge: "#666666", operationFill: "#ffffff", operationStroke: "#000000",
        highlight: "#000000", highlightFill: "#e6e6e6", gradientItalic: true, gradientPrefix: "∂ ")

    /// Okabe & Ito's colour-blind-safe palette.
    public static let colorblind = FigureTheme(
        name: "colorblind", background: "#ffffff", text: "#000000", muted: "#5f6368", gradient: "#D55E00",
        edge: "#8c939d", operationFill: "#ffffff", operationStroke: "#000000",
        highlight: "#0072B2", highlightFill: "#d4ebf8")

    /// Every built-in theme.
    public static let all: [FigureTheme] = [.light, .dark, .print, .colorblind]

    /// A built-in theme by name (`light`, `dark`, `print`, `colorblind`).
    public static func named(_ name: String) -> FigureTheme? { all.first { $0.name == name.lowercased() } }
}
