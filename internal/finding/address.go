package finding

import "regexp"

// unitID is an apartment or suite identifier: it holds a digit or is a single
// letter, so "Apartment living" is not taken for "Apartment 4B".
const unitID = `(?:\d[A-Za-z\d-]{0,5}|[A-Za-z]\d{0,4})`

var (
	// US street addresses: a house number, up to four capitalized name words
	// and a street suffix, then maybe a unit: "1500 N Lamar Blvd, Apt 4B".
	// Name words must be capitalized and "Court" is left out of the suffixes,
	// because "in 2019 Immigration Court" and "walked 300 miles" are not
	// addresses; "Ct" still is. Only abbreviations take a dot, so a
	// sentence's full stop after "Street" is not flagged with it.
	reStreetEN = regexp.MustCompile(`(\d{1,6}[A-Za-z]?(?:-\d{1,5})?\s+` +
		`(?:(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\.?\s+)?` +
		`(?:[\p{Lu}\d][\p{L}\d'’.-]*\s+){0,3}[\p{Lu}\d][\p{L}\d'’-]*\s+` +
		`(?:(?:St|Ave|Av|Rd|Blvd|Dr|Ln|Ct|Pl|Hwy|Pkwy|Cir|Ter|Trl)\.?|Street|Avenue|Road|Boulevard|Drive|Lane|Way|Place|Highway|Parkway|Circle|Terrace|Trail|Loop)` +
		`(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?\s*` + unitID + `)?)` + endOfWord)

	// Spanish street addresses: a street word, the name, then the number:
	// "Calle Hidalgo 123", "Av. Insurgentes Sur #1602 Int. 4", "Calle 5 de
	// Mayo 20". A street name without a number is left alone; "Calle Ocho"
	// alone names a neighbourhood, not a home.
	reStreetES = regexp.MustCompile(`((?:Calle|C/|Avenida|Av\.|Avda\.|Calzada|Calz\.|Privada|Priv\.|Callej[óo]n|Bulevar|Blvd\.?|Cerrada|Andador)\s+` +
		`(?:(?:[\p{Lu}\d][\p{L}\d'’.-]*|de|del|la|las|los|el|y)\s+){0,4}` +
		`(?:#\s*|No\.?\s*|N[úu]m\.?\s*|n[úu]mero\s+)?\d{1,5}[A-Za-z]?` +
		`(?:,?\s*(?:Int\.?|Interior|Depto\.?|Departamento|Apto\.?|Apt\.?)\s*#?\s*` + unitID + `)?)` + endOfWord)

	// An apartment on its own still narrows a person down to a door: "we
	// shared apartment 4B", "vivíamos en el depto. 3".
	reUnit = regexp.MustCompile(`((?i:apt\.?|apartment|apartamento|apto\.?|depto\.?|departamento|unit|suite)\s*` +
		`(?:#|(?i:no\.?|number|n[úu]mero))?\s*\d{1,5}[A-Za-z]?)` + endOfWord)
)
