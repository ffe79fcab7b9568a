package chokepoint

import (
	"strings"
	"unicode"
)

// A question's word the corpus never uses and the word list does not know
// is a name (of a country, a company, a mineral the corpus does not
// cover) or chat the list lacks ("outta", "prelim", "btwn"). Only the
// first says the question is about something else; so only a word that
// looks like a name weighs as one (weigh).

// looksLikeName reports whether surface, a word as the question typed it,
// looks like a name: typed with a capital or with a digit after its first
// character ("Zimbabwe", "BYD", "SC6", a number such as "1973"), or a
// place, demonym, element, mineral, month or weekday however it is typed.
func looksLikeName(surface string) bool {
	for i, r := range surface {
		if unicode.IsUpper(r) || i > 0 && unicode.IsDigit(r) {
			return true
		}
	}
	w := strings.TrimSuffix(strings.ToLower(surface), "'s")
	return namedThing(w) || w != "" && months[strings.ToUpper(w[:1])+w[1:]] || nearName(w)
}

// nearName reports whether w is a typo of a place or material name: one
// slip away, two from seven letters (TypoDistance), with the same first
// letter, as "zimabbwe" is of Zimbabwe and "hanfium" of hafnium. A name
// typed wrong still names something the corpus does not discuss.
func nearName(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, set := range []map[string]bool{places, materials} {
		for name := range set {
			if slipOf(w, name) {
				return true
			}
		}
	}
	return false
}

// materials are the elements up to plutonium and the ores and minerals of
// the critical-minerals trade, in lower case.
var materials = setOf(
	"hydrogen", "helium", "lithium", "beryllium", "boron", "carbon", "nitrogen", "oxygen", "fluorine",
	"neon", "sodium", "magnesium", "aluminium", "aluminum", "silicon", "phosphorus", "sulfur", "sulphur",
	"chlorine", "argon", "potassium", "calcium", "scandium", "titanium", "vanadium", "chromium",
	"manganese", "iron", "cobalt", "nickel", "copper", "zinc", "gallium", "germanium", "arsenic",
	"selenium", "bromine", "krypton", "rubidium", "strontium", "yttrium", "zirconium", "niobium",
	"molybdenum", "technetium", "ruthenium", "rhodium", "palladium", "silver", "cadmium", "indium", "tin",
	"antimony", "tellurium", "iodine", "xenon", "caesium", "cesium", "barium", "lanthanum", "cerium",
	"praseodymium", "neodymium", "promethium", "samarium", "europium", "gadolinium", "terbium",
	"dysprosium", "holmium", "erbium", "thulium", "ytterbium", "lutetium", "hafnium", "tantalum",
	"tungsten", "rhenium", "osmium", "iridium", "platinum", "gold", "mercury", "thallium", "lead",
	"bismuth", "polonium", "astatine", "radon", "francium", "radium", "actinium", "thorium",
	"protactinium", "uranium", "neptunium", "plutonium",
	"coltan", "fluorspar", "fluorite", "spodumene", "bauxite", "alumina", "monazite", "bastnaesite",
	"xenotime", "cassiterite", "wolframite", "scheelite", "chromite", "ilmenite", "rutile", "zircon",
	"graphite", "phosphate", "potash", "borate", "barite", "tantalite", "columbite", "pyrochlore",
	"lepidolite", "petalite", "laterite", "magnetite", "hematite", "chalcopyrite", "molybdenite",
	"stibnite", "vermiculite", "uraninite", "kaolin",
)

// elementSymbols maps chemical symbols, as chemists write them, to their
// elements. A question that writes "Ge" or "W" so means germanium or
// tungsten ("the Ga/Ge ban"); in lower case, or as "In", "As", "Be", "He",
// "No" and "I", "Re", they are words, and the one-letter symbols other than
// those of the trade's metals (U, V, W, Y) are letters ("plan B").
var elementSymbols = map[string]string{
	"Li": "lithium", "Na": "sodium", "Mg": "magnesium", "Al": "aluminum", "Si": "silicon",
	"Cl": "chlorine", "Ar": "argon", "Ca": "calcium", "Sc": "scandium", "Ti": "titanium", "Cr": "chromium",
	"Mn": "manganese", "Fe": "iron", "Co": "cobalt", "Ni": "nickel", "Cu": "copper", "Zn": "zinc",
	"Ga": "gallium", "Ge": "germanium", "Se": "selenium", "Br": "bromine", "Kr": "krypton",
	"Rb": "rubidium", "Sr": "strontium", "Zr": "zirconium", "Nb": "niobium", "Mo": "molybdenum",
	"Ru": "ruthenium", "Rh": "rhodium", "Pd": "palladium", "Ag": "silver", "Cd": "cadmium", "Sn": "tin",
	"Sb": "antimony", "Te": "tellurium", "Xe": "xenon", "Cs": "caesium", "Ba": "barium", "La": "lanthanum",
	"Ce": "cerium", "Pr": "praseodymium", "Nd": "neodymium", "Pm": "promethium", "Sm": "samarium",
	"Eu": "europium", "Gd": "gadolinium", "Tb": "terbium", "Dy": "dysprosium", "Ho": "holmium",
	"Er": "erbium", "Tm": "thulium", "Yb": "ytterbium", "Lu": "lutetium", "Hf": "hafnium", "Ta": "tantalum",
	"Os": "osmium", "Ir": "iridium", "Pt": "platinum", "Au": "gold", "Hg": "mercury", "Tl": "thallium",
	"Pb": "lead", "Bi": "bismuth", "Th": "thorium", "Pa": "protactinium", "Np": "neptunium",
	"Pu": "plutonium", "Ra": "radium", "U": "uranium", "V": "vanadium", "W": "tungsten", "Y": "yttrium",
}
