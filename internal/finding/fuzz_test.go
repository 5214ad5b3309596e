package finding

import (
	"strings"
	"testing"
)

// storyParagraph mixes ordinary numbers with every kind of identifier, in
// both languages, the way a real submission might.
const storyParagraph = `In 2019 we walked 300 miles to the border. I was 12 years old and the rent was $1,200.
My A-Number is A 123-456-789 and my receipt said EAC2190012345. My hearing is on March 3, 2027
at the immigration court. Call me at (512) 555-0134 or write to ana.lopez@example.org.
Vivimos en Calle Hidalgo 123, y luego en 1500 N Lamar Blvd, Apt 4B. Mi audiencia es el
14 de marzo de 2027 en la corte. Mi número de seguro social: 234567890. Llama al +52 55 1234 5678.
`

// proseParagraph is what most of a story is: words, and a few ordinary
// numbers.
const proseParagraph = `Cuando salimos de Honduras yo tenía doce años. Caminamos durante semanas,
dormimos en estaciones de autobús y en casas de gente buena que no conocíamos. My mother
carried my little brother on her back for most of the way, and in 2019 we finally crossed.
The first years were hard: we shared a room with 4 other people and worked two jobs each.
`

// story repeats paragraph to size bytes, ending with one paragraph full of
// identifiers as a real submission might.
func story(paragraph string, size int) string {
	var b strings.Builder
	for b.Len() < size-len(storyParagraph) {
		b.WriteString(paragraph)
	}
	b.WriteString(storyParagraph)
	return b.String()
}

// BenchmarkScan scans a 10 KiB story: "prose" is the usual case, "dense"
// puts identifiers in every line and is close to the worst case.
func BenchmarkScan(b *testing.B) {
	for _, bm := range []struct {
		name      string
		paragraph string
	}{{"prose", proseParagraph}, {"dense", storyParagraph}} {
		text := story(bm.paragraph, 10<<10)
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				Scan(text)
			}
		})
	}
}

func FuzzScan(f *testing.F) {
	f.Add(storyParagraph)
	f.Add("A# 12345678 ICE 3/14/2027 +52 1 33 1234 5678 calle")
	f.Add("Av. Insurgentes Sur #1602 Int. 4 ñandú\xff\xfe")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		fs := Scan(text)
		end := 0
		for i, x := range fs {
			if x.Start < end || x.Start >= x.End || x.End > len(text) {
				t.Fatalf("finding %d %+v out of order or bounds (previous end %d, len %d)", i, x, end, len(text))
			}
			if Label(x.Kind) == x.Kind || x.Label != Label(x.Kind) {
				t.Fatalf("finding %d %+v has an unknown kind or wrong label", i, x)
			}
			end = x.End
		}
		if n := WordCount(text); n < 0 || ReadingMinutes(n) < 0 {
			t.Fatalf("WordCount(%q) = %d", text, n)
		}
	})
}
