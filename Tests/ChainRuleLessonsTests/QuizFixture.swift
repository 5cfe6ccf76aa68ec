/// The three-question lesson both quiz tests play: in the terminal (tmux) and
/// in the exported slideshow (Chromium).
enum QuizFixture {
    static let markdown = """
        # Quiz

        ```graph
        x = 2
        y = 3
        z = x * y
        L = z + 1
        ```

        > ask forward z: what is x × y?
        > ask backward y local: what is the local derivative ∂z/∂y?
        > ask backward x: what is ∂L/∂x?
        """
}
