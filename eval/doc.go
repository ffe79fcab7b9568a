// Package eval holds Chokepoint's answer-quality benchmark: a corpus of
// articles written for the project (corpus/), questions typed the way
// Discord members type with the gold phrases that answer them, and perturbed
// copies of base questions (questions/*.yaml), and the split of the corpus's articles into a development half and a frozen
// test half (split.yaml). README.md says who wrote each part and how.
//
// The package only reads the benchmark; `chokepoint eval` runs it against
// the answer engine and the baselines, and scoring is chokepoint.Evaluate.
package eval
