package testenv

import (
	"fmt"
	"strings"
)

// TableBomb is issue 11's first Markdown amplification body: 16 KB of GFM
// table whose 2,000-column header pads each of its 4,000 one-character rows
// to 2,000 cells, about 80 MB of HTML before any limit.
func TableBomb() string {
	var b strings.Builder
	b.WriteString(strings.Repeat("|a", 2000) + "|\n")
	b.WriteString(strings.Repeat("|-", 2000) + "|\n")
	b.WriteString(strings.Repeat("|\n", 4000))
	return b.String()
}

// ReferenceBomb is issue 11's second: under 64 KiB holding one reference
// definition with a 52,000-byte destination, used 3,000 times, about 152 MB
// of HTML before any limit.
func ReferenceBomb() string {
	return "[a]: https://example.org/" + strings.Repeat("x", 52_000) + "\n\n" + strings.Repeat("[a]", 3000) + "\n"
}

// LongStory is an honest long body of about 60 KiB: paragraphs of prose in
// English and Spanish, emphasis, inline and reference links (one reference
// used many times), lists, quotes and a few tables. Every limit must let it
// through.
func LongStory() string {
	var b strings.Builder
	b.WriteString("# Mi historia\n\n[centro]: https://example.org/centro-comunitario/austin \"Centro\"\n\n")
	for i := 0; b.Len() < 60<<10; i++ {
		fmt.Fprintf(&b, "## Parte %d\n\n", i+1)
		b.WriteString("Llegué a este país con mi hija cuando ella tenía seis años. We walked for *days*, " +
			"and I still remember the **cold** at night. The people at the [shelter](https://example.org/shelter?id=42) " +
			"gave us blankets; the [centro][] helped with school and the [centro][] helped with papers.\n" +
			"Every Sunday we went back to the [centro][] to say thank you.\n\n")
		b.WriteString("> Nunca olvidaré su bondad.\n\n- trabajo\n- escuela\n- familia\n\n")
		if i%4 == 0 {
			b.WriteString("| Año | Ciudad | Trabajo | Escuela | Notas |\n|---|:---|---:|:---:|---|\n")
			for r := range 12 {
				fmt.Fprintf(&b, "| %d | Austin | limpieza | grado %d | todo bien |\n", 2010+r, r+1)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
