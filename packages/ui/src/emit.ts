/**
 * Dispatches a CustomEvent that bubbles out of shadow roots, the way every component here reports
 * to the element that renders it.
 * @example emit(this, "seek", 12)
 */
export const emit = (el: HTMLElement, type: string, detail: unknown): boolean =>
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
