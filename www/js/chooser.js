// The target-product chooser: a search-as-you-type combobox (the WAI-ARIA combobox
// pattern) that shows at most a handful of matches, so it stays fast with 200,000
// products. The search itself runs in the worker; this file only touches the DOM.

const DEBOUNCE_MS = 60;

export class ProductChooser {
  /**
   * `input`: the text field (role=combobox); `list`: the listbox (ul); `status`: a line
   * that says how many products match; `search(query)`: resolves to
   * `{ matches: [{ index, id, name, category }], total }`; `onSelect(product)`.
   */
  constructor({ input, list, status, search, onSelect }) {
    Object.assign(this, { input, list, status, search, onSelect });
    this.matches = [];
    this.active = -1;
    this.selected = null;
    this.sequence = 0;
    this.timer = 0;
    input.addEventListener('input', () => this.schedule());
    input.addEventListener('focus', () => {
      // Typing replaces the current choice's name rather than appending to it.
      input.select();
      this.schedule();
    });
    input.addEventListener('keydown', (event) => this.onKey(event));
    input.addEventListener('blur', () => {
      // After a click on an option has been handled; not if the field has the focus
      // again by then, which would cancel the search the user just started.
      setTimeout(() => {
        if (document.activeElement !== this.input) this.close(true);
      }, 150);
    });
    // mousedown would blur the input before the click lands.
    list.addEventListener('mousedown', (event) => event.preventDefault());
    list.addEventListener('click', (event) => {
      const option = event.target.closest('[role=option]');
      if (option) this.choose(Number(option.dataset.position));
    });
  }

  /** Shows `product` as the current choice without searching. */
  setSelected(product) {
    this.selected = product;
    this.input.value = product ? product.name : '';
    this.close(false);
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), DEBOUNCE_MS);
  }

  async refresh() {
    const query = this.input.value === this.selected?.name ? '' : this.input.value;
    const sequence = ++this.sequence;
    this.status.textContent = 'Searching…';
    let found;
    try {
      found = await this.search(query);
    } catch (e) {
      if (sequence === this.sequence) this.status.textContent = `Search failed: ${e.message}`;
      return;
    }
    // A newer search has started, or the field lost focus meanwhile: drop this answer.
    if (sequence !== this.sequence || document.activeElement !== this.input) return;
    this.render(found, query);
  }

  render({ matches, total }, query) {
    this.matches = matches;
    this.active = matches.length ? 0 : -1;
    const items = matches.map((product, position) => {
      const li = document.createElement('li');
      li.id = `product-option-${position}`;
      li.setAttribute('role', 'option');
      li.dataset.testid = 'product-option';
      li.dataset.id = product.id;
      li.dataset.position = String(position);
      const name = document.createElement('span');
      name.className = 'option-name';
      name.textContent = product.name;
      name.dir = 'auto'; // right-to-left names keep their direction
      const meta = document.createElement('span');
      meta.className = 'option-meta';
      meta.textContent = product.category ? `${product.id} · ${product.category}` : product.id;
      li.append(name, meta);
      return li;
    });
    this.list.replaceChildren(...items);
    // Which query the options answer (a hook for tests: typing is asynchronous).
    this.list.dataset.query = query;
    this.list.hidden = items.length === 0;
    this.input.setAttribute('aria-expanded', String(items.length > 0));
    this.highlight();
    const shown = matches.length;
    this.status.textContent = total === 0
      ? `No product matches "${query}".`
      : shown < total
        ? `${total.toLocaleString('en-US')} matches; showing the first ${shown}. Type more to narrow.`
        : `${total.toLocaleString('en-US')} ${total === 1 ? 'match' : 'matches'}.`;
  }

  highlight() {
    for (const li of this.list.children) {
      li.setAttribute('aria-selected', String(Number(li.dataset.position) === this.active));
    }
    if (this.active >= 0) {
      const li = this.list.children[this.active];
      this.input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  onKey(event) {
    const open = !this.list.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        this.schedule();
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.matches.length) % this.matches.length;
      this.highlight();
    } else if (event.key === 'Enter') {
      // Enter picks the highlighted product; it never submits the form from here.
      if (open && this.active >= 0) {
        event.preventDefault();
        this.choose(this.active);
      } else if (open) {
        event.preventDefault();
      }
    } else if (event.key === 'Escape') {
      // Escape abandons the search: the list closes and the field shows the product that
      // is still selected, so what it says and what a run uses never differ.
      if (open) event.preventDefault();
      this.close(true, { evenWhileTyping: true });
    }
  }

  choose(position) {
    const product = this.matches[position];
    if (!product) return;
    this.setSelected(product);
    this.status.textContent = '';
    this.onSelect(product);
  }

  /**
   * Closes the list; with `restore`, puts the current choice's name back in the field
   * (once the field has lost focus, or at once with `evenWhileTyping`: Escape).
   */
  close(restore, { evenWhileTyping = false } = {}) {
    this.sequence++;
    clearTimeout(this.timer);
    this.list.hidden = true;
    this.list.replaceChildren();
    this.matches = [];
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    if (restore && this.selected && (evenWhileTyping || document.activeElement !== this.input)) {
      this.input.value = this.selected.name;
      this.status.textContent = '';
    }
  }
}
