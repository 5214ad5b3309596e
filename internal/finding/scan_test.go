package finding

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hit is a finding as an editor sees it: the kind and the text it covers.
type hit struct {
	Kind string
	Text string
}

// hits turns findings into hits through text[Start:End], so every expected
// string below also checks the offsets.
func hits(t *testing.T, text string, fs []Finding) []hit {
	t.Helper()
	var out []hit
	for _, f := range fs {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("finding %+v out of bounds for %d bytes", f, len(text))
		}
		if f.Label == "" || f.Label == f.Kind {
			t.Errorf("finding %+v has no human label", f)
		}
		out = append(out, hit{f.Kind, text[f.Start:f.End]})
	}
	return out
}

type scanCase struct {
	name string
	text string
	want []hit
}

// padded puts s inside digit-free prose: Scan only searches near digits, so
// every case is also run inside a long story to check nothing is cut off at
// the edges of what it searches.
func padded(s string) string {
	prose := strings.Repeat("Caminamos de noche y dormimos poco, we kept going. ", 8)
	return prose + s + " " + prose
}

func runScanCases(t *testing.T, tests []scanCase) {
	t.Helper()
	for _, tt := range tests {
		for _, text := range []string{tt.text, padded(tt.text)} {
			t.Run(tt.name, func(t *testing.T) {
				got := hits(t, text, Scan(text))
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Scan(%q) mismatch (-want +got):\n%s", text, diff)
				}
			})
		}
	}
}

func TestScanANumber(t *testing.T) {
	runScanCases(t, []scanCase{
		{"phrase en", "My A-Number is 123456789.", []hit{{KindANumber, "123456789"}}},
		{"A hash", "Write A# 12345678 on the form", []hit{{KindANumber, "A# 12345678"}}},
		{"A dash", "my number A-123456789", []hit{{KindANumber, "A-123456789"}}},
		{"A grouped", "A 123-456-789 was on the letter", []hit{{KindANumber, "A 123-456-789"}}},
		{"A solid", "(A123456789)", []hit{{KindANumber, "A123456789"}}},
		{"alien registration", "Alien Registration Number: 098765432", []hit{{KindANumber, "098765432"}}},
		{"label then A form", "A-Number: A123456789", []hit{{KindANumber, "A123456789"}}},
		{"phrase es", "Mi número A es 123456789.", []hit{{KindANumber, "123456789"}}},
		{"phrase es extranjero", "número de extranjero 12345678", []hit{{KindANumber, "12345678"}}},
		{"phrase es unaccented", "mi numero A: A-098-765-432", []hit{{KindANumber, "A-098-765-432"}}},
		{"A form that looks like an SSN", "A 123-45-6789", []hit{{KindANumber, "A 123-45-6789"}}},
		{"seven digits", "Plan A 1234567 failed", nil},
		{"ten digits", "A 1234567890", nil},
		{"lower-case article", "he wrote a 12345678 on it", nil},
		{"glued to a word", "BA12345678", nil},
		{"grade", "I got an A 95 percent of the time", nil},
	})
}

func TestScanSSN(t *testing.T) {
	runScanCases(t, []scanCase{
		{"dashed", "SSN 123-45-6789.", []hit{{KindSSN, "123-45-6789"}}},
		{"spaced", "my social security number is 123 45 6789", []hit{{KindSSN, "123 45 6789"}}},
		{"bare with phrase en", "Social Security number: 234567890", []hit{{KindSSN, "234567890"}}},
		{"bare with phrase es", "número de seguro social: 234567890", []hit{{KindSSN, "234567890"}}},
		{"ITIN", "mi ITIN es 912-70-1234", []hit{{KindSSN, "912-70-1234"}}},
		{"area 000", "000-12-3456", nil},
		{"area 666", "666-12-3456", nil},
		{"9xx outside ITIN group 93", "912-93-1234", nil},
		{"area 9xx outside ITIN groups", "900-12-3456", nil},
		{"group 00", "123-00-4567", nil},
		{"serial 0000", "123-45-0000", nil},
		{"mixed separators", "123-45 6789", nil},
		{"bare nine digits without context", "order 123456789 shipped", nil},
		{"inside a longer number", "1123-45-6789", nil},
	})
}

func TestScanPhone(t *testing.T) {
	runScanCases(t, []scanCase{
		{"parenthesized", "Call (512) 555-0134.", []hit{{KindPhone, "(512) 555-0134"}}},
		{"dashed", "512-555-0134", []hit{{KindPhone, "512-555-0134"}}},
		{"dotted", "512.555.0134", []hit{{KindPhone, "512.555.0134"}}},
		{"plus one", "text +1 512 555 0134 now", []hit{{KindPhone, "+1 512 555 0134"}}},
		{"toll free", "1-800-555-0134", []hit{{KindPhone, "1-800-555-0134"}}},
		{"solid", "5125550134", []hit{{KindPhone, "5125550134"}}},
		{"mexico", "Llama al +52 55 1234 5678", []hit{{KindPhone, "+52 55 1234 5678"}}},
		{"mexico mobile 1", "+52 1 33 1234 5678", []hit{{KindPhone, "+52 1 33 1234 5678"}}},
		{"mexico area in parentheses", "+52 (662) 123 4567", []hit{{KindPhone, "+52 (662) 123 4567"}}},
		{"mexico local", "Mi celular es 55 1234 5678.", []hit{{KindPhone, "55 1234 5678"}}},
		{"mexico local parenthesized", "(55) 1234-5678", []hit{{KindPhone, "(55) 1234-5678"}}},
		{"area code starting with 1", "123-456-7890", nil},
		{"exchange starting with 0", "512-055-0134", nil},
		{"longer number", "ID 15125550134999", nil},
		{"glued to letters", "x512-555-0134", nil},
		{"inside a longer dashed number", "call 1-512-555-0134-99 or 12-512-555-0134", nil},
	})
}

func TestScanEmail(t *testing.T) {
	runScanCases(t, []scanCase{
		{"plain", "write juan.perez+x@gmail.com.", []hit{{KindEmail, "juan.perez+x@gmail.com"}}},
		{"accented", "escribe a maría@correo.mx", []hit{{KindEmail, "maría@correo.mx"}}},
		{"phone-like local part", "5125550134@txt.att.net", []hit{{KindEmail, "5125550134@txt.att.net"}}},
		{"handle", "follow @storydesk", nil},
		{"no domain dot", "user@localhost", nil},
	})
}

func TestScanAddress(t *testing.T) {
	runScanCases(t, []scanCase{
		{"full with unit", "I live at 1500 N Lamar Blvd, Apt 4B in Austin.", []hit{{KindAddress, "1500 N Lamar Blvd, Apt 4B"}}},
		{"abbreviated", "at 123 Main St. we", []hit{{KindAddress, "123 Main St."}}},
		{"spelled out", "42 Oak Street", []hit{{KindAddress, "42 Oak Street"}}},
		{"ordinal", "7 W 21st St", []hit{{KindAddress, "7 W 21st St"}}},
		{"court abbreviation", "9 Willow Ct", []hit{{KindAddress, "9 Willow Ct"}}},
		{"calle", "Vivo en Calle Hidalgo 123.", []hit{{KindAddress, "Calle Hidalgo 123"}}},
		{"avenida with interior", "Av. Insurgentes Sur #1602 Int. 4", []hit{{KindAddress, "Av. Insurgentes Sur #1602 Int. 4"}}},
		{"calle with date name", "Calle 5 de Mayo 20", []hit{{KindAddress, "Calle 5 de Mayo 20"}}},
		{"avenida spelled out", "en la Avenida Juárez 1020", []hit{{KindAddress, "Avenida Juárez 1020"}}},
		{"apartment alone", "we shared apartment 12", []hit{{KindAddress, "apartment 12"}}},
		{"depto alone", "vivíamos en el depto. 3", []hit{{KindAddress, "depto. 3"}}},
		{"immigration court year", "In 2019 Immigration Court denied my case", nil},
		{"lower-case words", "we walked 300 miles down the road", nil},
		{"calle without number", "la Calle Ocho de Miami", nil},
		{"generic calle", "la calle estaba vacía", nil},
		{"apartment without number", "Apartment living is hard", nil},
		{"street word glued", "123 Main Stone", nil},
	})
}

func TestScanHearingDate(t *testing.T) {
	runScanCases(t, []scanCase{
		{"hearing en", "My hearing is on March 3, 2027.", []hit{{KindHearingDate, "March 3, 2027"}}},
		{"court numeric", "court date: 3/14/2027", []hit{{KindHearingDate, "3/14/2027"}}},
		{"judge iso", "the immigration judge set 2027-03-14", []hit{{KindHearingDate, "2027-03-14"}}},
		{"ICE check-in abbreviated", "ICE check-in on Jan. 5 at nine", []hit{{KindHearingDate, "Jan. 5"}}},
		{"day month en", "the 3rd of March 2027 hearing", []hit{{KindHearingDate, "3rd of March 2027"}}},
		{"audiencia", "La audiencia es el 14 de marzo de 2027.", []hit{{KindHearingDate, "14 de marzo de 2027"}}},
		{"corte day-first", "mi cita en la corte es el 14/3/2027", []hit{{KindHearingDate, "14/3/2027"}}},
		{"cita ICE", "tengo cita con ICE el 5 de Enero", []hit{{KindHearingDate, "5 de Enero"}}},
		{"month and year es", "la corte me dio marzo de 2027", []hit{{KindHearingDate, "marzo de 2027"}}},
		{"no court word", "My daughter was born on March 3, 2019.", nil},
		{"court word too far", "The court was far from home. We lived there for a long, long time and then on March 3, 2019 we left.", nil},
		{"dotted day-first", "fecha de corte: 14.03.2027", []hit{{KindHearingDate, "14.03.2027"}}},
		{"two-digit year", "court on 3/14/27", []hit{{KindHearingDate, "3/14/27"}}},
		{"impossible date", "hearing on 13/13/2027", nil},
		{"impossible month iso", "hearing on 2027-13-01", nil},
		{"day zero", "hearing on 0/5/2027", nil},
		{"ice is not ICE", "we ate ice cream on March 3", nil},
		{"year alone", "my hearing in 2019 went badly", nil},
		{"lower-case may", "the judge may 3 times ask", nil},
	})
}

func TestScanCaseNumber(t *testing.T) {
	runScanCases(t, []scanCase{
		{"vermont receipt", "receipt EAC2190012345.", []hit{{KindCaseNumber, "EAC2190012345"}}},
		{"eoir", "IOE0912345678", []hit{{KindCaseNumber, "IOE0912345678"}}},
		{"national benefits", "MSC1234567890, NBC0001234567", []hit{{KindCaseNumber, "MSC1234567890"}, {KindCaseNumber, "NBC0001234567"}}},
		{"grouped", "EAC-21-900-12345", []hit{{KindCaseNumber, "EAC-21-900-12345"}}},
		{"lower case", "mi recibo es eac2190012345", []hit{{KindCaseNumber, "eac2190012345"}}},
		{"nine digits", "EAC219001234", nil},
		{"four letters", "ABCD1234567890", nil},
	})
}

func TestScanOrdinaryNumbers(t *testing.T) {
	runScanCases(t, []scanCase{
		{"years and miles", "in 2019 we walked 300 miles", nil},
		{"rent", "$1,200 rent", nil},
		{"route", "Route 66", nil},
		{"age", "I was 12 years old", nil},
		{"spanish", "En 2019 caminamos 300 millas y pagábamos $1,200 de renta; tenía 12 años.", nil},
		{"counts", "3 kids, 2 dogs and 1 cat", nil},
		{"range", "between 1990-2005 and 10-20 people", nil},
		{"decimal", "a score of 3.14 and 98.6 degrees", nil},
		{"big money", "we owed $12,500,000 pesos", nil},
	})
}

func TestScanMixed(t *testing.T) {
	text := "Me llamo Ana. Mi número A: 12345678. Mi audiencia en la corte es el 3/14/2027. " +
		"Llámame al (512) 555-0134 o escribe a ana@example.org. Vivo en 42 Oak Street."
	want := []hit{
		{KindANumber, "12345678"},
		{KindHearingDate, "3/14/2027"},
		{KindPhone, "(512) 555-0134"},
		{KindEmail, "ana@example.org"},
		{KindAddress, "42 Oak Street"},
	}
	runScanCases(t, []scanCase{{"story", text, want}})
}
