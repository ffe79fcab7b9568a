package chokepoint

import (
	"container/list"
	"sync"
)

// sentenceCache is a least-recently-used cache of analysed text (a
// passage's sentences, a document's heading terms), keyed and checked
// against the text, so text re-indexed under the same key is analysed
// afresh. A nil cache keeps nothing.
type sentenceCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key, text string
	val       any
}

func newSentenceCache(max int) *sentenceCache {
	if max <= 0 {
		return nil
	}
	return &sentenceCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *sentenceCache) get(key, text string) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok || el.Value.(*cacheEntry).text != text {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).val, true
}

func (c *sentenceCache) put(key, text string, val any) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		el.Value = &cacheEntry{key: key, text: text, val: val}
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, text: text, val: val})
	for c.order.Len() > c.max {
		old := c.order.Remove(c.order.Back()).(*cacheEntry)
		delete(c.byKey, old.key)
	}
}
