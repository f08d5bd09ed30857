/**
 * One page object per console page, for the browser tests: each wraps a {@link
 * org.quipu.browser.Browser}, hides the page's selectors and offers what a user can do there;
 * an action that loads another page returns that page's object. Page objects never assert.
 */
package org.quipu.browser.pages;
