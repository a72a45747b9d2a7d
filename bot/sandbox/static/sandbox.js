/* The sandbox page: draws the three chats from server-sent events and acts as each person
   through the sandbox API. Plain browser JavaScript, no build step, nothing from outside.

   Safety: message text arrives as a tree of plain strings and a few known tags (see
   bot/sandbox/richtext.py). It is turned into DOM nodes with createElement/textContent only;
   nothing from a message ever goes through innerHTML. */
"use strict";

(() => {
  const ROLES = ["member", "officer", "admin"];
  // Deep links to the bot ("t.me/<bot>?start=...") are opened inside the sandbox, not online.
  const TG_LINK_PREFIX = "https://t.me/";
  const PENDING_MS = 4000;
  const TYPING_MS = 5000;

  // Labels of the page itself (not the bot's messages, which the bot translates).
  const STRINGS = {
    en: {
      title: "DSDW certificate bot · sandbox",
      subtitle: "The real bot on a fake Telegram that runs on this computer. Nothing is sent anywhere.",
      demo: "Demo data",
      live: "Live",
      offline: "Reconnecting…",
      pageLanguage: "Page language",
      "role.member": "Foundation member",
      "role.officer": "Officer",
      "role.admin": "Admin",
      "tab.member": "Member",
      "tab.officer": "Officer",
      "tab.admin": "Admin",
      telegramLanguage: "Telegram language",
      languageHint: "The language Telegram reports for this person. /language in the chat takes precedence.",
      bot: "bot",
      typing: "typing…",
      menu: "Menu",
      attach: "Attach",
      attachDocument: "File (document)",
      attachPhoto: "Photo",
      send: "Send",
      placeholder: "Message",
      edited: "edited",
      emptyTitle: "No messages yet",
      emptyText: "Press Start to talk to the bot, as on a phone that opens the bot for the first time.",
      start: "START",
      noCommands: "The bot has not set any commands.",
      uploading: "Uploading…",
      openAs: "Open this invitation link as:",
      cancel: "Cancel",
      ok: "OK",
      openOutside: "This link leads outside the sandbox:",
      open: "Open",
      failed: "Could not do that: ",
      download: "Download",
    },
    th: {
      title: "บอตหนังสือรับรองอาสาสมัคร · ทดลองใช้",
      subtitle: "บอตตัวจริงบน Telegram จำลองที่ทำงานในเครื่องนี้ ไม่มีข้อมูลถูกส่งออกไปภายนอก",
      demo: "ข้อมูลตัวอย่าง",
      live: "เชื่อมต่อแล้ว",
      offline: "กำลังเชื่อมต่อใหม่…",
      pageLanguage: "ภาษาของหน้า",
      "role.member": "สมาชิกมูลนิธิ",
      "role.officer": "เจ้าหน้าที่",
      "role.admin": "ผู้ดูแลระบบ",
      "tab.member": "มูลนิธิ",
      "tab.officer": "เจ้าหน้าที่",
      "tab.admin": "ผู้ดูแล",
      telegramLanguage: "ภาษาของ Telegram",
      languageHint: "ภาษาที่ Telegram แจ้งบอตสำหรับผู้ใช้นี้ หากเลือกด้วยคำสั่ง /language ในแชต บอตจะใช้ภาษานั้นแทน",
      bot: "บอต",
      typing: "กำลังพิมพ์…",
      menu: "เมนู",
      attach: "แนบไฟล์",
      attachDocument: "ไฟล์ (เอกสาร)",
      attachPhoto: "รูปภาพ",
      send: "ส่ง",
      placeholder: "ข้อความ",
      edited: "แก้ไขแล้ว",
      emptyTitle: "ยังไม่มีข้อความ",
      emptyText: "กด เริ่ม เพื่อคุยกับบอต เหมือนเปิดบอตครั้งแรกบนโทรศัพท์",
      start: "เริ่ม",
      noCommands: "บอตยังไม่ได้ตั้งคำสั่ง",
      uploading: "กำลังอัปโหลด…",
      openAs: "เปิดลิงก์คำเชิญนี้ในฐานะ:",
      cancel: "ยกเลิก",
      ok: "ตกลง",
      openOutside: "ลิงก์นี้ออกไปนอกแซนด์บ็อกซ์:",
      open: "เปิด",
      failed: "ทำไม่สำเร็จ: ",
      download: "ดาวน์โหลด",
    },
  };

  let uiLang = localStorage.getItem("sandbox.uiLang") || ((navigator.language || "").startsWith("th") ? "th" : "en");
  if (!STRINGS[uiLang]) uiLang = "en";
  let bot = { first_name: "Bot", username: "" };
  let activeRole = ROLES[0];
  const chats = {};

  const $ = (selector, root = document) => root.querySelector(selector);
  const t = (key) => (STRINGS[uiLang] && STRINGS[uiLang][key]) || STRINGS.en[key] || key;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- talking to the sandbox --------------------------------------------------------------

  async function api(path, body) {
    const init = { method: "POST", headers: { "X-Sandbox": "1" } };
    if (body instanceof FormData) {
      init.body = body;
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const raw = await response.text();
    let data = null;
    try { data = JSON.parse(raw); } catch (_) { data = { error: raw }; }
    if (!response.ok) throw new Error((data && data.error) || response.statusText);
    return data;
  }

  // ---- rich text -----------------------------------------------------------------------------

  const TAGS = { b: "strong", i: "em", u: "u", s: "s", code: "code", pre: "pre", blockquote: "blockquote", spoiler: "span", a: "a", span: "span" };
  const LINK_RE = /(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]])|(^|\s)(\/[A-Za-z0-9_]{1,32})(?=$|[\s.,;:!?)])/g;

  function safeHref(href) {
    return typeof href === "string" && /^(https?:|mailto:)/i.test(href) ? href : null;
  }

  function renderNodes(parent, nodes, chat, clickable) {
    for (const node of nodes || []) {
      if (typeof node === "string") {
        appendText(parent, node, chat, clickable);
        continue;
      }
      const tag = TAGS[node.tag];
      if (!tag) { renderNodes(parent, node.children, chat, clickable); continue; }
      const child = document.createElement(tag);
      if (node.tag === "spoiler") {
        child.className = "spoiler";
        child.addEventListener("click", () => child.classList.add("revealed"));
      }
      if (node.tag === "a") {
        const href = safeHref(node.href);
        if (href) setupLink(child, href, chat);
      }
      renderNodes(child, node.children, chat, clickable && node.tag !== "a");
      parent.appendChild(child);
    }
  }

  // Telegram makes URLs and /commands in a message clickable; so does the sandbox.
  function appendText(parent, text, chat, clickable) {
    if (!clickable) { parent.appendChild(document.createTextNode(text)); return; }
    let last = 0;
    for (const match of text.matchAll(LINK_RE)) {
      const start = match.index + (match[2] ? match[2].length : 0);
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      if (match[1]) {
        const link = el("a", null, match[1]);
        setupLink(link, match[1], chat);
        parent.appendChild(link);
        last = start + match[1].length;
      } else {
        const command = el("span", "cmd", match[3]);
        command.setAttribute("role", "link");
        command.addEventListener("click", () => chat.send(match[3]));
        parent.appendChild(command);
        last = start + match[3].length;
      }
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function deepLinkStart(href) {
    if (!href.startsWith(TG_LINK_PREFIX)) return null;
    let url;
    try { url = new URL(href); } catch (_) { return null; }
    if (url.pathname.slice(1).toLowerCase() !== String(bot.username).toLowerCase()) return null;
    const start = url.searchParams.get("start");
    if (start === null) return "";
    return /^[A-Za-z0-9_-]{1,64}$/.test(start) ? start : null;
  }

  function setupLink(anchor, href, chat) {
    anchor.href = href;
    anchor.rel = "noopener noreferrer";
    anchor.addEventListener("click", (event) => {
      event.preventDefault();
      openLink(href, chat);
    });
  }

  function openLink(href, chat) {
    const start = deepLinkStart(href);
    if (start !== null) {
      // An invitation is sent to someone else: let the person choose who opens it.
      const text = start ? `/start ${start}` : "/start";
      const choices = ROLES.map((role) => ({
        label: `${t("role." + role)} · ${chats[role].name}`,
        role,
        run: () => { showChat(role); chats[role].send(text); },
      }));
      showDialog(`${t("openAs")}\n${href}`, choices);
      return;
    }
    showDialog(`${t("openOutside")}\n${href}`, [
      { label: t("open"), primary: true, run: () => window.open(href, "_blank", "noopener,noreferrer") },
    ]);
  }

  // ---- dialogs -------------------------------------------------------------------------------

  function showDialog(text, choices) {
    const overlay = $("#overlay");
    $(".dialog-text", overlay).textContent = text;
    const actions = $(".dialog-actions", overlay);
    actions.replaceChildren();
    for (const choice of [...choices, { label: choices.length ? t("cancel") : t("ok") }]) {
      const button = el("button", choice.primary ? "primary" : "", choice.label);
      button.type = "button";
      if (choice.role) button.dataset.role = choice.role;
      button.addEventListener("click", () => { overlay.hidden = true; if (choice.run) choice.run(); });
      actions.appendChild(button);
    }
    overlay.hidden = false;
    actions.firstChild.focus();
  }

  // ---- one chat ------------------------------------------------------------------------------

  const DOC_ICON = "M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm7 1.5V9h5.5L13 3.5Z";

  function svgIcon(path) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
    shape.setAttribute("fill", "currentColor");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    return svg;
  }

  function humanSize(size) {
    if (typeof size !== "number") return "";
    if (size >= 1024 * 1024) return `${(size / 1024 / 1024).toFixed(1)} MB`;
    return `${Math.max(1, Math.round(size / 1024))} KB`;
  }

  function clock(unixSeconds) {
    if (!unixSeconds) return "";
    const date = new Date(unixSeconds * 1000);
    return date.toLocaleTimeString(uiLang === "th" ? "th-TH" : "en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function fileUrl(url) {
    return typeof url === "string" && url.startsWith("/api/files/") ? url : null;
  }

  class Chat {
    constructor(role, root) {
      this.role = role;
      this.root = root;
      this.name = "";
      this.language = "th";
      this.commands = [];
      this.messages = new Map(); // id -> {data, node}
      this.unread = 0;
      this.list = $(".messages", root);
      this.input = $(".input", root);
      this.status = $(".who-status", root);
      this.menuPop = $(".menu-pop", root);
      this.attachPop = $(".attach-pop", root);
      this.toastNode = $(".toast", root);
      this.replyKeyboard = $(".reply-keyboard", root);
      this.typingTimer = null;
      this.toastTimer = null;
      this.stickToBottom = false; // the person just acted here: show the answer
      this.wire();
    }

    wire() {
      const root = this.root;
      $(".composer", root).addEventListener("submit", (event) => {
        event.preventDefault();
        this.sendInput();
      });
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.sendInput();
        }
      });
      this.input.addEventListener("input", () => this.fitInput());
      $(".menu-btn", root).addEventListener("click", (event) => {
        event.stopPropagation();
        this.togglePopover(this.menuPop);
      });
      $(".attach-btn", root).addEventListener("click", (event) => {
        event.stopPropagation();
        this.togglePopover(this.attachPop);
      });
      for (const button of this.attachPop.querySelectorAll("button[data-kind]")) {
        button.addEventListener("click", () => {
          this.closePopovers();
          $(`.file-input[data-kind="${button.dataset.kind}"]`, root).click();
        });
      }
      for (const input of root.querySelectorAll(".file-input")) {
        input.addEventListener("change", () => {
          const file = input.files && input.files[0];
          input.value = "";
          if (file) this.upload(file, input.dataset.kind);
        });
      }
      $(".lang-select", root).addEventListener("change", (event) => {
        api(`/api/chats/${this.role}/language`, { language: event.target.value })
          .catch((error) => this.toast(t("failed") + error.message));
      });
    }

    fitInput() {
      this.input.style.height = "auto";
      this.input.style.height = `${Math.min(this.input.scrollHeight, 132)}px`;
    }

    togglePopover(popover) {
      const open = popover.hidden;
      closeAllPopovers();
      if (open) {
        if (popover === this.menuPop) this.renderMenu();
        popover.hidden = false;
      }
    }

    closePopovers() {
      this.menuPop.hidden = true;
      this.attachPop.hidden = true;
    }

    // -- acting --

    async send(text) {
      try {
        await api(`/api/chats/${this.role}/send`, { text });
        this.stickToBottom = true;
      } catch (error) {
        this.toast(t("failed") + error.message);
        throw error;
      }
    }

    sendInput() {
      const text = this.input.value;
      if (!text.trim()) return;
      this.input.value = "";
      this.fitInput();
      this.send(text).catch(() => { this.input.value = text; this.fitInput(); });
    }

    async press(button, messageId, data) {
      button.classList.add("pending");
      setTimeout(() => button.classList.remove("pending"), PENDING_MS);
      try {
        await api(`/api/chats/${this.role}/press`, { message_id: messageId, data });
      } catch (error) {
        button.classList.remove("pending");
        this.toast(t("failed") + error.message);
      }
    }

    async upload(file, kind) {
      const form = new FormData();
      form.append("kind", kind);
      form.append("file", file, file.name);
      this.toast(t("uploading"));
      try {
        await api(`/api/chats/${this.role}/upload`, form);
        this.hideToast();
      } catch (error) {
        this.toast(t("failed") + error.message);
      }
    }

    // -- drawing --

    load(info) {
      this.name = info.name;
      this.setProfile(info.language, info.commands);
      this.messages.clear();
      this.list.replaceChildren();
      for (const message of info.messages) this.upsert(message, false);
      this.renderChrome();
      this.updateEmpty();
      this.scrollToBottom();
    }

    setProfile(language, commands) {
      this.language = language || "th";
      $(".lang-select", this.root).value = this.language === "en" ? "en" : "th";
      this.commands = commands || [];
      if (!this.menuPop.hidden) this.renderMenu();
    }

    renderChrome() {
      $(".role-label", this.root).textContent = t(`role.${this.role}`);
      $(".role-user", this.root).textContent = this.name;
      $(".lang", this.root).title = t("languageHint");
      $(".who-name", this.root).textContent = bot.first_name;
      if (!this.typingTimer) this.status.textContent = t("bot");
      for (const item of this.messages.values()) {
        const edited = $(".edited", item.node);
        if (edited) edited.textContent = `${t("edited")} `;
      }
      this.updateEmpty();
      updateTab(this.role);
    }

    renderMenu() {
      this.menuPop.replaceChildren();
      if (!this.commands.length) {
        this.menuPop.appendChild(el("div", "pop-empty", t("noCommands")));
        return;
      }
      for (const command of this.commands) {
        const button = el("button");
        button.type = "button";
        const label = el("div");
        label.append(el("div", "cmd-name", `/${command.command}`), el("div", "cmd-desc", command.description));
        button.appendChild(label);
        button.addEventListener("click", () => { this.closePopovers(); this.send(`/${command.command}`).catch(() => {}); });
        this.menuPop.appendChild(button);
      }
    }

    nearBottom() {
      return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 140;
    }

    scrollToBottom() {
      this.list.scrollTop = this.list.scrollHeight;
    }

    upsert(message, live) {
      const follow = live && (this.nearBottom() || message.from === "user" || this.stickToBottom);
      const existing = this.messages.get(message.id);
      if (message.deleted) {
        if (existing) { existing.node.remove(); this.messages.delete(message.id); }
        this.updateEmpty();
        this.updateReplyKeyboard();
        return;
      }
      const node = this.renderMessage(message);
      if (existing) {
        existing.node.replaceWith(node);
      } else {
        let before = null;
        for (const [id, item] of this.messages) {
          if (id > message.id && (!before || id < before.id)) before = { id, node: item.node };
        }
        this.list.insertBefore(node, before ? before.node : null);
      }
      this.messages.set(message.id, { data: message, node });
      if (live && message.from === "bot" && !existing) {
        this.stopTyping();
        if (!isVisible(this.role)) { this.unread += 1; updateTab(this.role); }
      }
      this.updateEmpty();
      this.updateReplyKeyboard();
      if (follow) {
        this.stickToBottom = false;
        this.scrollToBottom();
      }
    }

    renderMessage(message) {
      const wrap = el("div", `msg ${message.from === "bot" ? "bot" : "user"}`);
      wrap.dataset.id = String(message.id);
      const bubble = el("div", "bubble");
      wrap.appendChild(bubble);
      const media = message.media;
      const url = media && fileUrl(media.url);
      if (url && media.kind === "photo") {
        const link = el("a", "photo");
        link.href = `${url}?inline=1`;
        link.target = "_blank";
        link.rel = "noopener";
        const image = el("img");
        image.alt = "";
        image.src = `${url}?inline=1`;
        image.addEventListener("load", () => { if (this.nearBottom()) this.scrollToBottom(); });
        link.appendChild(image);
        bubble.appendChild(link);
      } else if (url) {
        const link = el("a", "file");
        link.href = url;
        link.download = media.name || "";
        link.title = t("download");
        const icon = el("span", "file-icon");
        icon.appendChild(svgIcon(DOC_ICON));
        const info = el("span");
        info.append(el("div", "file-name", media.name || media.kind), el("div", "file-size", humanSize(media.size)));
        link.append(icon, info);
        bubble.appendChild(link);
      }
      if (message.rich && message.rich.length) {
        const text = el("div", "text");
        renderNodes(text, message.rich, this, message.from === "bot");
        bubble.appendChild(text);
      }
      const meta = el("span", "meta");
      if (message.edited) meta.appendChild(el("span", "edited", `${t("edited")} `));
      meta.appendChild(document.createTextNode(clock(message.date)));
      (bubble.lastChild && bubble.lastChild.classList.contains("text") ? bubble.lastChild : bubble).appendChild(meta);
      if (message.buttons && message.buttons.length) {
        wrap.classList.add("with-keyboard");
        wrap.appendChild(this.renderKeyboard(message));
      }
      return wrap;
    }

    renderKeyboard(message) {
      const keyboard = el("div", "keyboard");
      for (const row of message.buttons) {
        const line = el("div", "kb-row");
        for (const spec of row) {
          const button = el("button", "kb-btn", spec.text);
          button.type = "button";
          if (typeof spec.data === "string") {
            button.addEventListener("click", () => this.press(button, message.id, spec.data));
          } else if (safeHref(spec.url)) {
            button.classList.add("url");
            button.addEventListener("click", () => openLink(spec.url, this));
          } else {
            button.disabled = true;
          }
          line.appendChild(button);
        }
        keyboard.appendChild(line);
      }
      return keyboard;
    }

    updateReplyKeyboard() {
      // The latest message that set or removed a reply keyboard decides what is shown.
      const ids = [...this.messages.keys()].sort((a, b) => b - a);
      const holder = ids.map((id) => this.messages.get(id).data).find((m) => m.keyboard !== null && m.keyboard !== undefined);
      const rows = holder ? holder.keyboard : [];
      this.replyKeyboard.replaceChildren();
      this.replyKeyboard.hidden = !rows.length;
      for (const row of rows) {
        const line = el("div", "kb-row");
        for (const text of row) {
          const button = el("button", "kb-btn", text);
          button.type = "button";
          button.addEventListener("click", () => this.send(text).catch(() => {}));
          line.appendChild(button);
        }
        this.replyKeyboard.appendChild(line);
      }
    }

    updateEmpty() {
      const current = $(".empty", this.list);
      if (this.messages.size) { if (current) current.remove(); return; }
      const card = el("div", "empty");
      card.append(el("div", "empty-title", t("emptyTitle")), el("div", null, t("emptyText")));
      const start = el("button", "start-btn", t("start"));
      start.type = "button";
      start.addEventListener("click", () => this.send("/start").catch(() => {}));
      card.appendChild(start);
      if (current) current.replaceWith(card); else this.list.appendChild(card);
    }

    typing() {
      this.status.textContent = t("typing");
      this.status.classList.add("typing");
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_MS);
    }

    stopTyping() {
      clearTimeout(this.typingTimer);
      this.typingTimer = null;
      this.status.textContent = t("bot");
      this.status.classList.remove("typing");
    }

    answered(event) {
      for (const button of this.root.querySelectorAll(".kb-btn.pending")) button.classList.remove("pending");
      if (!event.text) return;
      if (event.alert) showDialog(event.text, []);
      else this.toast(event.text);
    }

    toast(text) {
      this.toastNode.textContent = text;
      this.toastNode.hidden = false;
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => this.hideToast(), 3500);
    }

    hideToast() {
      this.toastNode.hidden = true;
    }
  }

  // ---- the page ------------------------------------------------------------------------------

  function closeAllPopovers() {
    for (const chat of Object.values(chats)) chat.closePopovers();
  }

  function isVisible(role) {
    return getComputedStyle($("#tabs")).display === "none" || role === activeRole;
  }

  function showChat(role) {
    activeRole = role;
    for (const name of ROLES) {
      const chat = chats[name];
      chat.root.classList.toggle("active", name === role);
      if (name === role) { chat.unread = 0; }
      updateTab(name);
    }
  }

  function updateTab(role) {
    const tab = $(`.tab[data-role="${role}"]`);
    if (!tab) return;
    tab.replaceChildren(document.createTextNode(t(`tab.${role}`)));
    tab.title = t(`role.${role}`);
    tab.setAttribute("aria-selected", String(role === activeRole));
    const chat = chats[role];
    if (chat && chat.unread) tab.appendChild(el("span", "unread", chat.unread));
  }

  function applyUiLanguage() {
    document.documentElement.lang = uiLang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    for (const button of document.querySelectorAll("[data-ui-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.uiLang === uiLang));
    }
    const conn = $("#conn");
    $(".conn-text", conn).textContent = conn.dataset.state === "on" ? t("live") : t("offline");
    for (const chat of Object.values(chats)) chat.renderChrome();
  }

  function setConnected(on) {
    const conn = $("#conn");
    conn.dataset.state = on ? "on" : "off";
    $(".conn-text", conn).textContent = on ? t("live") : t("offline");
  }

  function build() {
    const template = $("#chat-template");
    const main = $("#chats");
    const tabs = $("#tabs");
    for (const role of ROLES) {
      const root = template.content.firstElementChild.cloneNode(true);
      root.dataset.chat = role;
      root.id = `chat-${role}`;
      main.appendChild(root);
      chats[role] = new Chat(role, root);
      const tab = el("button", "tab");
      tab.type = "button";
      tab.dataset.role = role;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", root.id);
      tab.addEventListener("click", () => showChat(role));
      tabs.appendChild(tab);
    }
    for (const button of document.querySelectorAll("[data-ui-lang]")) {
      button.addEventListener("click", () => {
        uiLang = button.dataset.uiLang;
        localStorage.setItem("sandbox.uiLang", uiLang);
        applyUiLanguage();
      });
    }
    document.addEventListener("click", (event) => {
      if (!event.target.closest(".popover")) closeAllPopovers();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { closeAllPopovers(); $("#overlay").hidden = true; }
    });
    showChat(activeRole);
    applyUiLanguage();
  }

  function handle(event) {
    const chat = event.role ? chats[event.role] : null;
    switch (event.type) {
      case "snapshot":
        bot = event.bot || bot;
        $("#demo-badge").hidden = !event.demo;
        for (const info of event.chats) if (chats[info.role]) chats[info.role].load(info);
        break;
      case "message":
        if (chat) chat.upsert(event.message, true);
        break;
      case "answer":
        if (chat) chat.answered(event);
        break;
      case "action":
        if (chat && event.action === "typing") chat.typing();
        break;
      case "profile":
        if (chat) chat.setProfile(event.language, event.commands);
        break;
      default:
        break;
    }
  }

  function connect() {
    const source = new EventSource("/api/events");
    source.addEventListener("open", () => setConnected(true));
    source.addEventListener("error", () => setConnected(false)); // the browser retries by itself
    source.addEventListener("message", (event) => {
      setConnected(true);
      handle(JSON.parse(event.data));
    });
  }

  build();
  connect();
})();
