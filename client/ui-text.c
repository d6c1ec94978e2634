/*
 * ui-text.c -- translated names and messages for what travels in English.
 *
 * Phases and roles travel as English words, REJECT and ERROR as codes with
 * an English text, and the model and the connection explain themselves in
 * English too.  The user reads the translation of the code; the English
 * reasons the program knows are listed here so that xgettext finds them,
 * and a reason it does not know is shown as it came (sanitised by the
 * caller).
 */
#include <stddef.h>
#include <string.h>

#include "i18n.h"
#include "proto.h"
#include "text.h"
#include "ui.h"

/* Phase names, in enum phase order. */
static const char *const ui_text_phases[PHASE_COUNT] = {
	N_("welcome"), N_("ideas"), N_("grouping"), N_("vote"),
	N_("harvest"), N_("closed"),
};

/* Role names, in enum role order. */
static const char *const ui_text_roles[ROLE_COUNT] = {
	N_("participant"), N_("host"), N_("facilitator"),
};

/* REJECT codes 1..7: what happened, for the message line. */
static const char *const ui_text_rejects[] = {
	NULL,
	N_("The server did not accept this change (bad request)."),
	N_("You are not allowed to do this."),
	N_("This card or table no longer exists."),
	N_("This is not possible in the current phase."),
	N_("A limit is reached."),
	N_("Too many changes at once: wait a moment and try again."),
	N_("The board is frozen: no changes for now."),
};

/*
 * The English reasons of model_check (common/model.c) and of the
 * connection (client/net.c), so that their translations exist.
 */
static const char *const ui_text_reasons[] = {
	N_("unknown op kind"),
	N_("the change it follows was refused"),
	N_("the change it follows was saved while the connection was down: "
	    "do it again"),
	N_("server-made op kind"),
	N_("hidden op"),
	N_("vote delta must be +1 or -1"),
	N_("unknown phase"),
	N_("unknown role"),
	N_("unknown timer action"),
	N_("unknown follow view"),
	N_("empty settings"),
	N_("the board is closed"),
	N_("the board is locked"),
	N_("not seated at this table"),
	N_("new cards wait for the next round"),
	N_("cards are added in the ideas phase"),
	N_("no such table"),
	N_("duplicates are merged in the group phase"),
	/* ext: deliverables (common/model-deliver.c) */
	N_("no such section"),
	N_("this section is full"),
	N_("feedback is written by the other teams"),
	N_("feedback is written while the team pitches"),
	N_("only the people at its table place a card"),
	N_("only its table or a facilitator gives an action an owner"),
	N_("actions are written in a roadmap section"),
	N_("an owner has at most 40 characters"),
	N_("a due date is written YYYY-MM-DD"),
	N_("only participants score"),
	N_("no evaluation is open"),
	N_("no such criterion"),
	N_("too many dots on one card"),
	N_("a score is 0 to 3"),
	N_("no dots left for this criterion"),
	N_("too many cards scored"),
	N_("a canvas name has 1 to 80 characters"),
	N_("a canvas has 1 to 12 sections"),
	N_("a section name has 1 to 80 characters"),
	N_("a section hint has at most 200 characters"),
	N_("a section holds at most 99 cards"),
	N_("unknown section kind"),
	N_("close the evaluation first"),
	N_("an evaluation has 1 to 8 criteria"),
	N_("a criterion has 1 to 40 characters"),
	N_("no such canvas"),
	N_("no criteria: set them first"),
	N_("the evaluation is already open"),
	N_("a pitch runs 0 s to 24 h"),
	N_("cards merge once the blind vote is revealed"),
	N_("a card merges into another card of its table"),
	N_("no such card"),
	N_("card text must be 1 to 500 characters"),
	N_("the board is full"),
	N_("a reply stays on its card's table"),
	N_("only its author or a facilitator may change a card"),
	N_("cards change in the ideas and group phases"),
	N_("the card is already there"),
	N_("cards are grouped in the group phase"),
	N_("a cluster title has at most 80 characters"),
	N_("a card groups under another card of its table"),
	N_("only participants vote"),
	N_("votes are cast in the vote phase"),
	N_("no dots left for this question"),
	N_("one dot per card"),
	N_("no dot to take back"),
	N_("only a facilitator seats someone else"),
	N_("no such participant"),
	N_("a timer label has at most 80 characters"),
	N_("a timer runs 1 s to 24 h"),
	N_("the timer is not running"),
	N_("no paused timer to resume"),
	N_("add 1 s to 24 h, or remove as much"),
	N_("no timer to change"),
	N_("a board title has 1 to 120 characters"),
	N_("dots are 1 to 99"),
	N_("ideas kept are 1 to 99"),
	N_("a join code has at most 64 characters"),
	N_("only participants are ready"),
	N_("only a facilitator may do this"),
	N_("a question has 1 to 300 characters"),
	N_("no more tables"),
	N_("a banner has at most 200 characters"),
	N_("no table to rotate to"),
	N_("only the table view names a table"),
	N_("unknown participant"),
	N_("not connected yet"),
	/* client/net.c */
	N_("the server does not answer"),
	N_("the server went silent"),
	N_("joining"),
	N_("connecting"),
	N_("cannot connect"),
	N_("the server closed the connection"),
	N_("unexpected WELCOME"),
	N_("the server's board is behind ours"),
	N_("resynchronising"),
	N_("unexpected READY"),
	N_("the server sent a malformed frame"),
	N_("the server sent a malformed message"),
	N_("starting a local server"),
	N_("cannot start a local server"),
	N_("connection error"),
	N_("Connection refused"),
	N_("No such file or directory"),
	/* a relay's (server/upstream.c) */
	N_("the board was brought up to date from its server; come back"),
	N_("your changes reached the board's server; come back to see them"),
	N_("the board's server knows you again; come back"),
	N_("the relay holds too many changes for the board's server"),
	N_("the board's server refuses this relay's facilitator key"),
	N_("the board's server speaks another protocol version"),
	N_("this relay serves too many boards"),
	/* the server's ERROR texts (common/proto.c) */
	N_("unsupported protocol version"),
	N_("wrong join code or key"),
	N_("name in use by someone online"),
	N_("no such board"),
	N_("protocol error"),
	N_("server full"),
	N_("server shutting down, come back later"),
	N_("too slow"),
	N_("idle timeout"),
};

/* The translated name of a phase. */
const char *
ui_text_phase(unsigned phase)
{
	if (phase >= PHASE_COUNT)
		return "?";
	return ui_text_tr(ui_text_phases[phase]);
}

/* The translated name of a role. */
const char *
ui_text_role(unsigned role)
{
	if (role >= ROLE_COUNT)
		return "?";
	return ui_text_tr(ui_text_roles[role]);
}

/* What a REJECT code means, translated. */
const char *
ui_text_reject(unsigned code)
{
	if (code == 0 || code >= sizeof ui_text_rejects /
	    sizeof ui_text_rejects[0])
		return _("The server refused this change.");
	return ui_text_tr(ui_text_rejects[code]);
}

/* What an ERROR code means, translated. */
const char *
ui_text_error(uint32_t code)
{
	switch (code) {
	case ERROR_VERSION:
		return _("This server speaks another version of cafeboard: "
		    "the client must be updated.");
	case ERROR_AUTH:
		return _("Wrong join code or facilitator key.");
	case ERROR_NAME:
		return _("This first name is taken by someone who is online.");
	case ERROR_BOARD:
		return _("There is no board by this name.");
	case ERROR_PROTOCOL:
		return _("The server did not understand the client "
		    "(protocol error).");
	case ERROR_FULL:
		return _("The server is full.");
	case ERROR_SHUTDOWN:
		return _("The server is restarting.");
	case ERROR_SLOW:
		return _("The connection was too slow to keep up.");
	case ERROR_IDLE:
		return _("The connection was idle for too long.");
	}
	return _("The server closed the connection.");
}

/*
 * The translation of an English reason if the catalogue has one; the
 * reason itself otherwise (the caller sanitises it before drawing).
 */
const char *
ui_text_reason(const char *why)
{
	size_t	i;

	if (why == NULL)
		return "";
	for (i = 0; i < sizeof ui_text_reasons / sizeof ui_text_reasons[0];
	    i++) {
		if (strcmp(why, ui_text_reasons[i]) == 0)
			return ui_text_tr(ui_text_reasons[i]);
	}
	return why;
}

/* The keys that answer yes: y, and the translated initial of "yes". */
const char *
ui_text_yes_keys(void)
{
	/* TRANSLATORS: the letters that answer "yes" to a y/n question. */
	return _("yY");
}

/*
 * The translation of s; NULL and "" stay "".  gettext("") returns the
 * catalogue's header, so nothing that may be empty goes to gettext but
 * through here.
 */
const char *
ui_text_tr(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return "";
	return _(s);
}

/* Why a first name (trimmed) is refused, as a sentence to show; "" if not. */
const char *
ui_text_name(const char *name)
{
	switch (text_name_check(name, strlen(name))) {
	case TEXT_NAME_OK:
		break;
	case TEXT_NAME_LENGTH:
	case TEXT_NAME_CONTROL:
		return _("Type your first name (1 to 32 characters).");
	case TEXT_NAME_INVISIBLE:
		return _("A first name may not hold invisible or formatting "
		    "characters: type it again.");
	case TEXT_NAME_NO_LETTER:
		return _("A first name needs at least one letter or digit.");
	}
	return "";
}
