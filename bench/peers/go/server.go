// The seeds' Go backend as a server: GET /products/{slug}/recommendations answered the
// way the seed's handler does it (one goroutine per candidate writing results[idx],
// joined by a sync.WaitGroup, then the top K), with net/http alone (Go 1.19's ServeMux has
// no path parameters, so the path is routed by hand).
//
//	shop-recs-go serve --catalog FILE [--port 0] [--host 127.0.0.1] [--threads T]
//
// It prints its URL as its first line and stops on SIGTERM or SIGINT (the requests in
// flight finish). Like the seed's backend it does nothing special on overload: every
// request is accepted and scored; there is no in-flight limit and no shedding.
//
// The query parameters and their ranges are shop-recs serve's: iterations (1 to 100,000,
// default 1500) and top (1 to 1,000, default 10). The answer has the same fields for the
// ranking as shop-recs serve's (items: rank, index, id, name, score, text, attribute),
// and errors are the same JSON shape: {"error": {"code", "message"}}.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	maxIterations     = 100_000
	defaultIterations = 1500
	maxTop            = 1000
	defaultTop        = 10
)

// backend holds the catalog, its identifiers' positions and every seed basis a request
// may need (a request with N iterations uses the first N).
type backend struct {
	catalog []product
	byID    map[string]int
	bases   []uint64
}

type apiError struct {
	status  int
	code    string
	message string
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.Header().Set("content-type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
		return
	}
	slug, ok := recommendationsSlug(r.URL)
	if !ok {
		writeError(w, apiError{http.StatusNotFound, "not_found", "no such endpoint: " + r.URL.Path})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("allow", "GET, HEAD")
		writeError(w, apiError{http.StatusMethodNotAllowed, "method_not_allowed", r.Method + " is not allowed here"})
		return
	}
	answer, failure := b.recommendations(slug, r.URL.Query())
	if failure != nil {
		writeError(w, *failure)
		return
	}
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(answer)
}

// recommendationsSlug reads {slug} from /products/{slug}/recommendations: one path
// segment, percent-decoded.
func recommendationsSlug(u *url.URL) (string, bool) {
	parts := strings.Split(u.EscapedPath(), "/")
	if len(parts) != 4 || parts[0] != "" || parts[1] != "products" || parts[3] != "recommendations" || parts[2] == "" {
		return "", false
	}
	slug, err := url.PathUnescape(parts[2])
	return slug, err == nil
}

// recommendations is the seed's handler: find the target, score every other product in
// its own goroutine, rank, answer the top K.
func (b *backend) recommendations(slug string, params url.Values) (map[string]any, *apiError) {
	iterations, failure := intParam(params, "iterations", defaultIterations, maxIterations)
	if failure != nil {
		return nil, failure
	}
	top, failure := intParam(params, "top", defaultTop, maxTop)
	if failure != nil {
		return nil, failure
	}
	for name := range params {
		if name != "iterations" && name != "top" {
			return nil, &apiError{http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("unknown query parameter %q (iterations, top)", name)}
		}
	}
	target, known := b.byID[slug]
	if !known {
		return nil, &apiError{http.StatusNotFound, "unknown_product", fmt.Sprintf("unknown product %q", slug)}
	}
	q := query{target: target, iterations: iterations, top: top}
	started := time.Now()
	items := recommend(b.catalog, q, kernel{bases: b.bases[:iterations]}, true)
	return map[string]any{
		"target":     map[string]any{"index": target, "id": b.catalog[target].id, "name": b.catalog[target].name},
		"candidates": len(b.catalog) - 1,
		"items":      items,
		"iterations": iterations,
		"top":        top,
		"mode":       "goroutines",
		"threads":    runtime.GOMAXPROCS(0),
		"timing":     map[string]float64{"scoring_ms": float64(time.Since(started).Nanoseconds()) / 1e6},
	}, nil
}

func intParam(params url.Values, name string, fallback, max int) (int, *apiError) {
	values, given := params[name]
	if !given {
		return fallback, nil
	}
	n, err := strconv.Atoi(values[len(values)-1])
	if err != nil || n < 1 || n > max {
		return 0, &apiError{http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("%s must be an integer from 1 to %d", name, max)}
	}
	return n, nil
}

func writeError(w http.ResponseWriter, e apiError) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": e.code, "message": e.message}})
}

// serve runs the server until SIGTERM or SIGINT.
func serve(args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	path := flags.String("catalog", "", "catalog JSON (an array of products, or an object with a products array)")
	host := flags.String("host", "127.0.0.1", "address to listen on")
	port := flags.Int("port", 8090, "port to listen on (0: a free one)")
	threads := flags.Int("threads", runtime.NumCPU(), "GOMAXPROCS")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *path == "" || *threads < 1 || *port < 0 || *port > 65535 {
		return errors.New("give --catalog FILE, a --port from 0 to 65535 and --threads of at least 1")
	}
	runtime.GOMAXPROCS(*threads)
	catalog, err := loadCatalog(*path)
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	if len(catalog) < 2 {
		return fmt.Errorf("%s: a catalog of %d products has nothing to rank", *path, len(catalog))
	}
	b := &backend{catalog: catalog, byID: make(map[string]int, len(catalog)), bases: seedBases(maxIterations)}
	for i, p := range catalog {
		if _, dup := b.byID[p.id]; dup {
			return fmt.Errorf("%s: duplicate identifier %q", *path, p.id)
		}
		b.byID[p.id] = i
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	server := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("http://%s/\n", listener.Addr().String())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return server.Shutdown(shutdown)
}

func runServe(args []string) {
	if err := serve(args); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}
