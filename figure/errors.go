package figure

import "errors"

// ErrFigure is wrapped by every error of this package caused by its input:
// a bad file, a missing key, a value that cannot be plotted, an unknown
// format.
var ErrFigure = errors.New("figure")
