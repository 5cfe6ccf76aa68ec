/// Follow mode in a served slideshow (`--present`).
///
/// The presenter's page (`data-drive`, under `/present/TOKEN/`) posts its
/// step whenever the slide on screen changes, however it changed (keys,
/// buttons, the track, `#N`). A follower's page (`data-events`) listens to
/// the lesson's event stream and goes to each step the presenter shows,
/// through the address's `#N`, so the slideshow's own script shows it. A
/// follower who steps on their own is "away": the page stops following,
/// says where the presenter is, and offers "Back to presenter".
///
/// It watches the slides' `hidden` attributes, so it needs nothing from
/// the slideshow's script, and it puts text on the page with
/// `textContent` only.
enum FollowScript {
    /// `Embedded/presenter.js`.
    static var script: String { ServeAssets.text("presenter.js") }
}
