package media

// PrintLongEdge is the long edge, in pixels, that a photo keeps at least:
// 10 inches at 300 dots per inch, a full-page print. The form's script
// shrinks a larger JPEG to it before sending, to spare a phone's data plan
// and a weak connection; nothing ever makes a photo smaller than this.
const PrintLongEdge = 3000
