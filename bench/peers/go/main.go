// The seeds' Go scaffolding as a benchmark peer of shop-recs: the same catalog JSON, the
// same scoring, bit for bit (MinHash of description words with seeded 64-bit FNV-1a,
// attribute Jaccard, the same weights, total order and top K), parallelized as the seed
// does it: one goroutine per candidate writing its own slot, joined by a
// sync.WaitGroup, with GOMAXPROCS set to the thread count.
//
// Standard library only; built with Debian's golang-go by scripts/bench.sh. The scoring
// rules it copies are written down in src/similarity.rs, src/tokens.rs and src/rank.rs.
//
//	shop-recs-go -catalog FILE [-product ID] [-iterations N] [-top K] [-threads T]
//	             [-runs R] [-modes serial,goroutines,naive]
//	shop-recs-go serve --catalog FILE [--port 0] [--threads T]   (server.go)
//
// The first prints one JSON object: per mode, every timed run's milliseconds (after one
// untimed warm-up per mode, the modes interleaved run by run) and the ranking, which
// bench/run.mjs checks against native serial's, identifier and f64 score alike. The
// second serves the seed's endpoint, GET /products/{slug}/recommendations.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

const (
	fnvOffset       uint64  = 0xcbf29ce484222325
	fnvPrime        uint64  = 0x100000001b3
	textWeight      float64 = 0.1
	attributeWeight float64 = 0.9
	// lanes: seeds hashed side by side, as the core's portable kernel does (LANES = 6).
	lanes = 6
)

// product is one catalog entry, its words prepared once, as the core's Catalog does.
type product struct {
	id          string
	name        string
	description [][]byte            // distinct description words, sorted by bytes
	attributes  map[string]struct{} // distinct words of the name, tags and category
}

// rawProduct reads the fields the core reads. The identifier is the slug unless that is
// empty or null, else the id (a string, or a number as written); the name falls back to
// the title, then to the identifier.
type rawProduct struct {
	Slug        *string         `json:"slug"`
	ID          json.RawMessage `json:"id"`
	Name        *string         `json:"name"`
	Title       *string         `json:"title"`
	Description *string         `json:"description"`
	Category    *string         `json:"category"`
	Tags        []string        `json:"tags"`
}

func loadCatalog(path string) ([]product, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raws []rawProduct
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = json.Unmarshal(trimmed, &raws)
	} else {
		var wrapped struct {
			Products []rawProduct `json:"products"`
		}
		err = json.Unmarshal(trimmed, &wrapped)
		raws = wrapped.Products
	}
	if err != nil {
		return nil, err
	}
	products := make([]product, len(raws))
	for i, raw := range raws {
		id := ""
		if raw.Slug != nil && *raw.Slug != "" {
			id = *raw.Slug
		} else if len(raw.ID) > 0 && string(raw.ID) != "null" {
			var text string
			if json.Unmarshal(raw.ID, &text) != nil {
				text = string(raw.ID) // a number, as it is written
			}
			id = text
		}
		if id == "" {
			return nil, fmt.Errorf("product %d has no identifier", i)
		}
		if raw.Description == nil {
			return nil, fmt.Errorf("product %d has no description", i)
		}
		name := id
		if raw.Name != nil && *raw.Name != "" {
			name = *raw.Name
		} else if raw.Title != nil && *raw.Title != "" {
			name = *raw.Title
		}
		attributes := map[string]struct{}{}
		sources := append([]string{name}, raw.Tags...)
		if raw.Category != nil {
			sources = append(sources, *raw.Category)
		}
		for _, text := range sources {
			for _, word := range words(text) {
				attributes[word] = struct{}{}
			}
		}
		distinct := map[string]struct{}{}
		for _, word := range words(*raw.Description) {
			distinct[word] = struct{}{}
		}
		description := make([][]byte, 0, len(distinct))
		for word := range distinct {
			description = append(description, []byte(word))
		}
		sort.Slice(description, func(a, b int) bool { return bytes.Compare(description[a], description[b]) < 0 })
		products[i] = product{id: id, name: name, description: description, attributes: attributes}
	}
	return products, nil
}

// alphanumeric is Rust's char::is_alphanumeric: Unicode Alphabetic (letters, letter
// numbers and Other_Alphabetic) or Numeric (Nd, Nl, No).
func alphanumeric(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Other_Alphabetic, r)
}

// words splits text into maximal runs of alphanumeric characters, each lowercased.
// (strings.ToLower lacks Rust's final-sigma rule: a Greek word ending in Σ would differ.)
func words(text string) []string {
	var out []string
	for _, word := range strings.FieldsFunc(text, func(r rune) bool { return !alphanumeric(r) }) {
		out = append(out, strings.ToLower(word))
	}
	return out
}

func seedBasis(seed uint32) uint64 {
	h := fnvOffset
	for k := 0; k < 4; k++ {
		h = (h ^ uint64(byte(seed>>(8*k)))) * fnvPrime
	}
	return h
}

// blockMinimums is the core's block_minimums with six lanes: for each word, six FNV
// chains from six seed bases step through its bytes together, in six registers.
func blockMinimums(ws [][]byte, b *[lanes]uint64) [lanes]uint64 {
	m0, m1, m2, m3, m4, m5 := ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)
	for _, w := range ws {
		h0, h1, h2, h3, h4, h5 := b[0], b[1], b[2], b[3], b[4], b[5]
		for _, c := range w {
			x := uint64(c)
			h0 = (h0 ^ x) * fnvPrime
			h1 = (h1 ^ x) * fnvPrime
			h2 = (h2 ^ x) * fnvPrime
			h3 = (h3 ^ x) * fnvPrime
			h4 = (h4 ^ x) * fnvPrime
			h5 = (h5 ^ x) * fnvPrime
		}
		if h0 < m0 {
			m0 = h0
		}
		if h1 < m1 {
			m1 = h1
		}
		if h2 < m2 {
			m2 = h2
		}
		if h3 < m3 {
			m3 = h3
		}
		if h4 < m4 {
			m4 = h4
		}
		if h5 < m5 {
			m5 = h5
		}
	}
	return [lanes]uint64{m0, m1, m2, m3, m4, m5}
}

// kernel computes signatures and agreements: lanes (the core's portable kernel's shape)
// or naive (one seed at a time, the core's signature_naive).
type kernel struct {
	naive bool
	bases []uint64
}

func (k kernel) signature(ws [][]byte) []uint64 {
	sig := make([]uint64, len(k.bases))
	if k.naive {
		for i, basis := range k.bases {
			m := ^uint64(0)
			for _, w := range ws {
				h := basis
				for _, c := range w {
					h = (h ^ uint64(c)) * fnvPrime
				}
				if h < m {
					m = h
				}
			}
			sig[i] = m
		}
		return sig
	}
	k.forEachBlock(ws, func(first int, mins []uint64) { copy(sig[first:], mins) })
	return sig
}

// forEachBlock visits each block of six seeds; the last, short one is padded with its
// last basis and only its real lanes are visited.
func (k kernel) forEachBlock(ws [][]byte, visit func(first int, mins []uint64)) {
	n := len(k.bases)
	for first := 0; first < n; first += lanes {
		var block [lanes]uint64
		real := copy(block[:], k.bases[first:])
		for j := real; j < lanes; j++ {
			block[j] = k.bases[n-1]
		}
		mins := blockMinimums(ws, &block)
		visit(first, mins[:real])
	}
}

// textSimilarity: components where the candidate's signature (never stored) agrees with
// the target's, over the iterations; 0 when either word set is empty.
func (k kernel) textSimilarity(target []uint64, targetEmpty bool, ws [][]byte) float64 {
	if len(ws) == 0 || len(k.bases) == 0 || targetEmpty {
		return 0
	}
	agree := 0
	if k.naive {
		for i, m := range k.signature(ws) {
			if m == target[i] {
				agree++
			}
		}
	} else {
		k.forEachBlock(ws, func(first int, mins []uint64) {
			for j, m := range mins {
				if m == target[first+j] {
					agree++
				}
			}
		})
	}
	return float64(agree) / float64(len(k.bases))
}

func jaccard(a, b map[string]struct{}) float64 {
	common := 0
	for w := range a {
		if _, ok := b[w]; ok {
			common++
		}
	}
	union := len(a) + len(b) - common
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}

type scored struct {
	index     int
	text      float64
	attribute float64
	score     float64
}

// Item is one ranked recommendation, as the core's Recommendation names its fields.
type Item struct {
	Rank      int     `json:"rank"`
	Index     int     `json:"index"`
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Score     float64 `json:"score"`
	Text      float64 `json:"text"`
	Attribute float64 `json:"attribute"`
}

type query struct {
	target     int
	iterations int
	top        int
}

// scoreOne scores candidate position k (every product but the target, in catalog order).
func scoreOne(catalog []product, q query, k kernel, targetSig []uint64, targetEmpty bool, position int) scored {
	index := position
	if position >= q.target {
		index++
	}
	c := &catalog[index]
	text := k.textSimilarity(targetSig, targetEmpty, c.description)
	attribute := jaccard(catalog[q.target].attributes, c.attributes)
	// The explicit conversions keep Go from fusing the multiply and the add (the spec
	// allows it; Rust never does), so the score is the core's to the last bit.
	score := float64(textWeight*text) + float64(attributeWeight*attribute)
	return scored{index: index, text: text, attribute: attribute, score: score}
}

// recommend scores every candidate, serially or with one goroutine per candidate, then
// ranks: score descending, then identifier ascending by bytes.
func recommend(catalog []product, q query, k kernel, goroutines bool) []Item {
	targetSig := k.signature(catalog[q.target].description)
	targetEmpty := len(catalog[q.target].description) == 0
	n := len(catalog) - 1
	results := make([]scored, n)
	if goroutines {
		var wg sync.WaitGroup
		wg.Add(n)
		for position := 0; position < n; position++ {
			go func(position int) {
				defer wg.Done()
				results[position] = scoreOne(catalog, q, k, targetSig, targetEmpty, position)
			}(position)
		}
		wg.Wait()
	} else {
		for position := 0; position < n; position++ {
			results[position] = scoreOne(catalog, q, k, targetSig, targetEmpty, position)
		}
	}
	sort.Slice(results, func(a, b int) bool {
		if results[a].score != results[b].score {
			return results[a].score > results[b].score
		}
		return catalog[results[a].index].id < catalog[results[b].index].id
	})
	top := q.top
	if top > n {
		top = n
	}
	items := make([]Item, top)
	for r := 0; r < top; r++ {
		s := results[r]
		items[r] = Item{Rank: r + 1, Index: s.index, ID: catalog[s.index].id, Name: catalog[s.index].name, Score: s.score, Text: s.text, Attribute: s.attribute}
	}
	return items
}

type modeResult struct {
	Runs  []float64 `json:"runs_ms"`
	Items []Item    `json:"ranking"`
}

// seedBases gives the FNV seed basis of each MinHash iteration, 0 to n-1.
func seedBases(n int) []uint64 {
	bases := make([]uint64, n)
	for i := range bases {
		bases[i] = seedBasis(uint32(i))
	}
	return bases
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		runServe(os.Args[2:])
		return
	}
	path := flag.String("catalog", "", "catalog JSON (an array of products, or an object with a products array)")
	target := flag.String("product", "", "target product identifier (default: the first product)")
	iterations := flag.Int("iterations", 1500, "MinHash iterations")
	top := flag.Int("top", 10, "recommendations")
	threads := flag.Int("threads", runtime.NumCPU(), "GOMAXPROCS")
	runs := flag.Int("runs", 5, "timed runs per mode, after one warm-up")
	modes := flag.String("modes", "serial,goroutines", "modes: serial, goroutines (both with the six-lane kernel), naive (serial, one seed at a time)")
	flag.Parse()
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "error: "+format+"\n", args...)
		os.Exit(1)
	}
	if *path == "" || *iterations < 1 || *top < 1 || *threads < 1 || *runs < 1 {
		fail("give -catalog FILE, and -iterations, -top, -threads and -runs of at least 1")
	}
	runtime.GOMAXPROCS(*threads)
	catalog, err := loadCatalog(*path)
	if err != nil {
		fail("%s: %v", *path, err)
	}
	if len(catalog) < 2 {
		fail("%s: a catalog of %d products has nothing to rank", *path, len(catalog))
	}
	q := query{target: 0, iterations: *iterations, top: *top}
	if *target != "" {
		q.target = -1
		for i, p := range catalog {
			if p.id == *target {
				q.target = i
			}
		}
		if q.target < 0 {
			fail("unknown product %q", *target)
		}
	}
	bases := seedBases(*iterations)
	run := map[string]func() []Item{
		"serial":     func() []Item { return recommend(catalog, q, kernel{bases: bases}, false) },
		"goroutines": func() []Item { return recommend(catalog, q, kernel{bases: bases}, true) },
		"naive":      func() []Item { return recommend(catalog, q, kernel{naive: true, bases: bases}, false) },
	}
	order := strings.Split(*modes, ",")
	results := map[string]*modeResult{}
	for _, mode := range order {
		f, ok := run[mode]
		if !ok {
			fail("unknown mode %q (serial, goroutines, naive)", mode)
		}
		results[mode] = &modeResult{Items: f()} // the untimed warm-up
	}
	for r := 0; r < *runs; r++ {
		for _, mode := range order {
			started := time.Now()
			items := run[mode]()
			results[mode].Runs = append(results[mode].Runs, float64(time.Since(started).Nanoseconds())/1e6)
			results[mode].Items = items
		}
	}
	out, _ := json.Marshal(map[string]any{
		"go":         runtime.Version(),
		"threads":    runtime.GOMAXPROCS(0),
		"products":   len(catalog),
		"target":     catalog[q.target].id,
		"iterations": *iterations,
		"modes":      results,
	})
	fmt.Println(string(out))
}
