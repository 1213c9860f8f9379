/* The loader's common case in C: libyaml's events straight to LocDict/LocList values.
 *
 * cjmc's Python loader (yaml_loader.py) composes PyYAML nodes, a Python object
 * and two marks for every node, then walks them again to build position-keeping
 * values: ~1.4 of a lint's ~3 CPU-s at 1,000 journeys. This module reads
 * libyaml's events and makes the same values directly, with one small Mark
 * object per position.
 *
 * It handles only what journey maps are made of: plain, quoted and block
 * scalars, mappings with scalar keys, sequences. Anything else (a syntax
 * error, an anchor or alias, an explicit tag, a merge key, a duplicate key, a
 * complex key, nesting at the limit) makes load() return None, and the caller
 * loads the file with the Python loader, which reports problems. So every
 * diagnostic comes from one implementation, and this one only has to give the
 * same values and positions for well-formed files (tests/core/test_fastyaml.py
 * compares both on every file of the examples, fixtures and corpora).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>
#include <yaml.h>

/* ---- Mark: a position with 0-based line and column, like PyYAML's marks ---- */

typedef struct {
    PyObject_HEAD
    Py_ssize_t line;
    Py_ssize_t column;
    Py_ssize_t index;
} MarkObject;

static PyTypeObject MarkType;

static PyObject *
mark_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t line, column, index = 0;
    static char *names[] = {"line", "column", "index", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nn|n:Mark", names, &line, &column, &index))
        return NULL;
    MarkObject *self = (MarkObject *)type->tp_alloc(type, 0);
    if (self != NULL) {
        self->line = line;
        self->column = column;
        self->index = index;
    }
    return (PyObject *)self;
}

static PyObject *
mark_reduce(MarkObject *self, PyObject *Py_UNUSED(ignored))
{
    return Py_BuildValue("O(nnn)", Py_TYPE(self), self->line, self->column, self->index);
}

static PyObject *
mark_repr(MarkObject *self)
{
    return PyUnicode_FromFormat("Mark(line=%zd, column=%zd, index=%zd)", self->line, self->column, self->index);
}

static PyMemberDef mark_members[] = {
    {"line", T_PYSSIZET, offsetof(MarkObject, line), READONLY, "0-based line"},
    {"column", T_PYSSIZET, offsetof(MarkObject, column), READONLY, "0-based column (characters)"},
    {"index", T_PYSSIZET, offsetof(MarkObject, index), READONLY, "0-based offset in the text (characters)"},
    {NULL}
};

static PyMethodDef mark_methods[] = {
    {"__reduce__", (PyCFunction)mark_reduce, METH_NOARGS, NULL},
    {NULL}
};

static PyTypeObject MarkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cjmc.load._fastyaml.Mark",
    .tp_doc = "Where a node, key or item starts: 0-based line and column, like PyYAML's marks.",
    .tp_basicsize = sizeof(MarkObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = mark_new,
    .tp_repr = (reprfunc)mark_repr,
    .tp_members = mark_members,
    .tp_methods = mark_methods,
};

static PyObject *
make_mark(const yaml_mark_t *mark)
{
    MarkObject *self = PyObject_New(MarkObject, &MarkType);
    if (self != NULL) {
        self->line = (Py_ssize_t)mark->line;
        self->column = (Py_ssize_t)mark->column;
        self->index = (Py_ssize_t)mark->index;
    }
    return (PyObject *)self;
}

/* ---- The builder ---- */

typedef struct {
    yaml_parser_t parser;
    PyTypeObject *locdict;
    PyTypeObject *loclist;
    PyObject *number;      /* the Python loader's value of a plain scalar that starts like a number */
    Py_ssize_t max_depth;  /* a collection this deep goes to the Python loader, which reports it */
    Py_ssize_t shared;     /* texts up to this many characters are interned */
    int fallback;          /* set when the file needs the Python loader */
} Builder;

static PyObject *s_pos, *s_key_pos, *s_value_pos, *s_item_pos, *empty_tuple;

/* Returns NULL with no exception set when the file needs the Python loader. */
static PyObject *build(Builder *b, yaml_event_t *event, Py_ssize_t depth, PyObject *mark);

static int
next_event(Builder *b, yaml_event_t *event)
{
    if (!yaml_parser_parse(&b->parser, event)) {
        b->fallback = 1;  /* a syntax error: the Python loader words it */
        return 0;
    }
    return 1;
}

static PyObject *
give_up(Builder *b)
{
    b->fallback = 1;
    return NULL;
}

/* The interned texts met last, by a hash of their bytes: keys and short values recur (`id`, `name`, a
 * severity on every pain point, a channel on every step), and a hit costs no decoding, no allocation and no
 * look-up in Python's table of interned strings. ASCII only, so that a text's bytes are its characters. */
#define TEXT_CACHE_SIZE 4096
#define TEXT_CACHE_LONGEST 64
static PyObject *text_cache[TEXT_CACHE_SIZE];

/* ``value`` as a new reference: interned when ``intern`` is set, or when it has at most ``shared`` characters. */
static PyObject *
text(const char *value, size_t length, int intern, Py_ssize_t shared)
{
    PyObject **slot = NULL;
    if (length <= TEXT_CACHE_LONGEST && (intern || (Py_ssize_t)length <= shared)) {
        uint32_t hash = 2166136261u;  /* FNV-1a */
        unsigned char high = 0;
        for (size_t i = 0; i < length; i++) {
            unsigned char c = (unsigned char)value[i];
            high |= c;
            hash = (hash ^ c) * 16777619u;
        }
        if (high < 0x80) {
            slot = &text_cache[hash & (TEXT_CACHE_SIZE - 1)];
            PyObject *hit = *slot;
            if (hit != NULL && PyUnicode_GET_LENGTH(hit) == (Py_ssize_t)length
                    && memcmp(PyUnicode_1BYTE_DATA(hit), value, length) == 0) {
                Py_INCREF(hit);
                return hit;
            }
        }
    }
    PyObject *result = PyUnicode_DecodeUTF8(value, (Py_ssize_t)length, "strict");
    if (result == NULL || !(intern || PyUnicode_GET_LENGTH(result) <= shared))
        return result;
    PyUnicode_InternInPlace(&result);
    if (slot != NULL) {
        Py_INCREF(result);
        Py_XSETREF(*slot, result);
    }
    return result;
}

static int
is_word(const char *value, size_t length, const char *word)
{
    return length == strlen(word) && memcmp(value, word, length) == 0;
}

/* An int for [-+]?[0-9]{1,18} (an emotion, a target, an actual: most numbers in journey maps), else NULL
 * with no exception set: the Python loader's _plain_number reads anything else. */
static PyObject *
small_decimal(const char *value, size_t length)
{
    size_t at = (value[0] == '-' || value[0] == '+') ? 1 : 0;
    if (length == at || length - at > 18)
        return NULL;
    long long number = 0;
    for (size_t i = at; i < length; i++) {
        if (value[i] < '0' || value[i] > '9')
            return NULL;
        number = number * 10 + (value[i] - '0');
    }
    return PyLong_FromLongLong(value[0] == '-' ? -number : number);
}

/* A float for [-+]?[0-9]+\.[0-9]* of up to 31 characters (a metric's target or actual), else NULL with no
 * exception set. PyOS_string_to_double is what float() uses, so the value is the one float(value) gives. */
static PyObject *
small_fraction(const char *value, size_t length)
{
    char digits[32];
    size_t at = (value[0] == '-' || value[0] == '+') ? 1 : 0, point = 0;
    if (length >= sizeof(digits) || length == at || value[at] < '0' || value[at] > '9')
        return NULL;
    for (size_t i = at; i < length; i++) {
        if (value[i] == '.' && point == 0)
            point = i;
        else if (value[i] < '0' || value[i] > '9')
            return NULL;
    }
    if (point == 0)
        return NULL;
    memcpy(digits, value, length);
    digits[length] = '\0';
    double number = PyOS_string_to_double(digits, NULL, NULL);
    if (number == -1.0 && PyErr_Occurred()) {  /* not expected of these digits: the Python loader decides */
        PyErr_Clear();
        return NULL;
    }
    return PyFloat_FromDouble(number);
}

/* A scalar as the YAML 1.2 core schema reads it (the Python loader's _Builder.build and scalar). */
static PyObject *
scalar(Builder *b, yaml_event_t *event)
{
    if (event->data.scalar.tag != NULL || event->data.scalar.anchor != NULL)
        return give_up(b);
    const char *value = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    if (event->data.scalar.plain_implicit) {
        if (length == 0)
            Py_RETURN_NONE;
        char first = value[0];
        if (first != '\0' && strchr("tTfFnN~<", first) != NULL) {
            if (is_word(value, length, "true") || is_word(value, length, "True") || is_word(value, length, "TRUE"))
                Py_RETURN_TRUE;
            if (is_word(value, length, "false") || is_word(value, length, "False")
                    || is_word(value, length, "FALSE"))
                Py_RETURN_FALSE;
            if (is_word(value, length, "~") || is_word(value, length, "null") || is_word(value, length, "Null")
                    || is_word(value, length, "NULL"))
                Py_RETURN_NONE;
            if (is_word(value, length, "<<"))
                return give_up(b);  /* a merge key as a value: the Python loader reports the tag */
        }
        else if (first != '\0' && strchr("-+0123456789.", first) != NULL) {
            PyObject *number = small_decimal(value, length);
            if (number == NULL && !PyErr_Occurred())
                number = small_fraction(value, length);
            if (number != NULL || PyErr_Occurred())
                return number;
            PyObject *raw = PyUnicode_DecodeUTF8(value, (Py_ssize_t)length, "strict");
            if (raw == NULL)
                return NULL;
            PyObject *result = PyObject_CallOneArg(b->number, raw);
            Py_DECREF(raw);
            return result;
        }
    }
    return text(value, length, 0, b->shared);
}

/* Sets ``count`` slots of ``object`` and gives up the references to their values, whatever happens. */
static int
set_slots(PyObject *object, PyObject *const *names, PyObject *const *values, int count)
{
    int failed = 0;
    for (int i = 0; i < count; i++) {
        if (!failed && PyObject_SetAttr(object, names[i], values[i]) < 0)
            failed = 1;
        Py_DECREF(values[i]);
    }
    return failed ? -1 : 0;
}

static PyObject *
sequence(Builder *b, yaml_event_t *start, Py_ssize_t depth, PyObject *pos)
{
    if (depth >= b->max_depth || start->data.sequence_start.tag != NULL
            || start->data.sequence_start.anchor != NULL)
        return give_up(b);
    PyObject *result = b->loclist->tp_new(b->loclist, empty_tuple, NULL);
    PyObject *positions = PyList_New(0);
    Py_INCREF(pos);  /* the sequence's position is the one its parent keeps for it, as in PyYAML's nodes */
    if (result == NULL || positions == NULL)
        goto fail;
    for (;;) {
        yaml_event_t event;
        if (!next_event(b, &event))
            goto fail;
        if (event.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        PyObject *mark = make_mark(&event.start_mark);
        if (mark == NULL) {
            yaml_event_delete(&event);
            goto fail;
        }
        int failed = PyList_Append(positions, mark);
        Py_DECREF(mark);
        if (failed) {
            yaml_event_delete(&event);
            goto fail;
        }
        PyObject *item = build(b, &event, depth + 1, mark);  /* ``positions`` holds ``mark`` */
        if (item == NULL)
            goto fail;
        failed = PyList_Append(result, item);
        Py_DECREF(item);
        if (failed)
            goto fail;
    }
    PyObject *names[] = {s_pos, s_item_pos}, *values[] = {pos, positions};
    if (set_slots(result, names, values, 2) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    return result;
fail:
    Py_XDECREF(result);
    Py_XDECREF(positions);
    Py_XDECREF(pos);
    return NULL;
}

static PyObject *
mapping(Builder *b, yaml_event_t *start, Py_ssize_t depth, PyObject *pos)
{
    if (depth >= b->max_depth || start->data.mapping_start.tag != NULL
            || start->data.mapping_start.anchor != NULL)
        return give_up(b);
    PyObject *result = b->locdict->tp_new(b->locdict, empty_tuple, NULL);
    PyObject *key_pos = PyDict_New();
    PyObject *value_pos = PyDict_New();
    PyObject *key = NULL;
    Py_INCREF(pos);  /* the mapping's position is the one its parent keeps for it, as in PyYAML's nodes */
    if (result == NULL || key_pos == NULL || value_pos == NULL)
        goto fail;
    for (;;) {
        yaml_event_t event;
        if (!next_event(b, &event))
            goto fail;
        if (event.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        if (event.type != YAML_SCALAR_EVENT || event.data.scalar.tag != NULL || event.data.scalar.anchor != NULL
                || is_word((const char *)event.data.scalar.value, event.data.scalar.length, "<<")) {
            yaml_event_delete(&event);  /* a complex key, a tagged key or a merge key */
            give_up(b);
            goto fail;
        }
        key = text((const char *)event.data.scalar.value, event.data.scalar.length, 1, 0);
        PyObject *key_mark = key == NULL ? NULL : make_mark(&event.start_mark);
        yaml_event_delete(&event);
        if (key_mark == NULL)
            goto fail;
        int found = PyDict_Contains(result, key);
        if (found != 0) {  /* a duplicate key (the Python loader reports it), or an error */
            Py_DECREF(key_mark);
            if (found > 0)
                give_up(b);
            goto fail;
        }
        int failed = PyDict_SetItem(key_pos, key, key_mark);
        Py_DECREF(key_mark);
        if (failed || !next_event(b, &event))
            goto fail;
        PyObject *value_mark = make_mark(&event.start_mark);
        if (value_mark == NULL) {
            yaml_event_delete(&event);
            goto fail;
        }
        failed = PyDict_SetItem(value_pos, key, value_mark);
        Py_DECREF(value_mark);
        if (failed) {
            yaml_event_delete(&event);
            goto fail;
        }
        PyObject *value = build(b, &event, depth + 1, value_mark);  /* ``value_pos`` holds ``value_mark`` */
        if (value == NULL)
            goto fail;
        failed = PyDict_SetItem(result, key, value);
        Py_DECREF(value);
        Py_CLEAR(key);
        if (failed)
            goto fail;
    }
    PyObject *names[] = {s_pos, s_key_pos, s_value_pos}, *values[] = {pos, key_pos, value_pos};
    if (set_slots(result, names, values, 3) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    return result;
fail:
    Py_XDECREF(key);
    Py_XDECREF(result);
    Py_XDECREF(key_pos);
    Py_XDECREF(value_pos);
    Py_XDECREF(pos);
    return NULL;
}

/* ``event`` is deleted here, whatever happens; ``mark`` (borrowed) is where it starts. */
static PyObject *
build(Builder *b, yaml_event_t *event, Py_ssize_t depth, PyObject *mark)
{
    PyObject *result;
    switch (event->type) {
    case YAML_SCALAR_EVENT:
        result = scalar(b, event);
        break;
    case YAML_MAPPING_START_EVENT:
        result = mapping(b, event, depth, mark);
        break;
    case YAML_SEQUENCE_START_EVENT:
        result = sequence(b, event, depth, mark);
        break;
    default:  /* an alias */
        result = give_up(b);
    }
    yaml_event_delete(event);
    return result;
}

static int
has_byte_order_mark(const char *text, size_t size)
{
    const char *end = text + size, *at = text;
    while ((at = memchr(at, '\xef', (size_t)(end - at))) != NULL) {
        if (end - at >= 3 && at[1] == '\xbb' && at[2] == '\xbf')
            return 1;
        at++;
    }
    return 0;
}

/* load(text, locdict, loclist, number, max_depth, shared) -> [(index, value, line, column)] or None */
static PyObject *
load(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *source;
    Builder b;
    memset(&b, 0, sizeof(b));
    if (!PyArg_ParseTuple(args, "UO!O!Onn:load", &source, &PyType_Type, &b.locdict, &PyType_Type, &b.loclist,
                          &b.number, &b.max_depth, &b.shared))
        return NULL;
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(source, &size);
    if (utf8 == NULL) {  /* a lone surrogate: whatever the Python loader makes of it */
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
            return NULL;
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (has_byte_order_mark(utf8, (size_t)size))
        Py_RETURN_NONE;  /* a byte order mark inside the text: PyYAML's libyaml and this one count it apart */
    if (!yaml_parser_initialize(&b.parser))
        return PyErr_NoMemory();
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)utf8, (size_t)size);
    yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);

    PyObject *documents = PyList_New(0);
    yaml_event_t event;
    Py_ssize_t index = 0;
    if (documents == NULL || !next_event(&b, &event))
        goto fail;
    yaml_event_delete(&event);  /* the stream's start */
    for (;;) {
        if (!next_event(&b, &event))
            goto fail;
        if (event.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        yaml_event_delete(&event);  /* a document's start */
        if (!next_event(&b, &event))
            goto fail;
        yaml_mark_t start = event.start_mark;
        PyObject *root = make_mark(&start);
        if (root == NULL) {
            yaml_event_delete(&event);
            goto fail;
        }
        PyObject *value = build(&b, &event, 0, root);
        Py_DECREF(root);
        if (value == NULL)
            goto fail;
        if (!next_event(&b, &event)) {
            Py_DECREF(value);
            goto fail;
        }
        yaml_event_delete(&event);  /* the document's end */
        if (value != Py_None) {
            PyObject *document = Py_BuildValue("(nNnn)", index, value, (Py_ssize_t)start.line + 1,
                                               (Py_ssize_t)start.column + 1);
            if (document == NULL || PyList_Append(documents, document) < 0) {
                Py_XDECREF(document);
                goto fail;
            }
            Py_DECREF(document);
        }
        else
            Py_DECREF(value);
        index++;
    }
    yaml_parser_delete(&b.parser);
    return documents;
fail:
    yaml_parser_delete(&b.parser);
    Py_XDECREF(documents);
    if (b.fallback && !PyErr_Occurred())
        Py_RETURN_NONE;
    return NULL;
}

/* ---- restore: unpickling the model's objects without a call into Python ---- */

static PyObject *s_slots;

/* restore(cls, values): a new cls whose __slots__, in order, hold values.
 *
 * Not YAML, but the other hot spot of large portfolios that only C makes
 * cheap: a rebuild's main process unpickles ~240,000 of the model's frozen,
 * slotted objects per 1,000 journeys, and calling each class's __init__ was
 * ~a quarter of it (see cjmc/frozen.py, which pickles with it when this
 * module is built). The slots are set the way object.__setattr__ sets them,
 * so a frozen class's own __setattr__ is not in the way; like unpickling any
 * object, this does not run __init__. Only for classes defined in Python
 * with a tuple of slots as long as the values. */
static PyObject *
restore(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyType_Check(args[0]) || !PyTuple_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "restore(cls, values) takes a class and a tuple");
        return NULL;
    }
    PyTypeObject *cls = (PyTypeObject *)args[0];
    PyObject *values = args[1];
    PyObject *slots = PyType_HasFeature(cls, Py_TPFLAGS_HEAPTYPE) ? PyDict_GetItemWithError(cls->tp_dict, s_slots)
                                                                 : NULL;
    if (slots == NULL || !PyTuple_CheckExact(slots) || PyTuple_GET_SIZE(slots) != PyTuple_GET_SIZE(values)) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "restore: %.200s has no tuple of %zd slots", cls->tp_name,
                         PyTuple_GET_SIZE(values));
        return NULL;
    }
    PyObject *made = cls->tp_alloc(cls, 0);
    if (made == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(slots); i++) {
        if (PyObject_GenericSetAttr(made, PyTuple_GET_ITEM(slots, i), PyTuple_GET_ITEM(values, i)) < 0) {
            Py_DECREF(made);
            return NULL;
        }
    }
    return made;
}

static PyMethodDef methods[] = {
    {"load", load, METH_VARARGS,
     "load(text, locdict, loclist, number, max_depth, shared) -> [(index, value, line, column)], or None "
     "when the text needs the Python loader."},
    {"restore", (PyCFunction)(void (*)(void))restore, METH_FASTCALL,
     "restore(cls, values) -> a new cls with its __slots__ set to values, in order, without __init__."},
    {NULL}
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "cjmc.load._fastyaml",
    "libyaml's events to position-keeping values, for well-formed journey maps; and restore(), for unpickling "
    "the model.", -1, methods,
};

PyMODINIT_FUNC
PyInit__fastyaml(void)
{
    if (PyType_Ready(&MarkType) < 0)
        return NULL;
    s_pos = PyUnicode_InternFromString("pos");
    s_key_pos = PyUnicode_InternFromString("key_pos");
    s_value_pos = PyUnicode_InternFromString("value_pos");
    s_item_pos = PyUnicode_InternFromString("item_pos");
    s_slots = PyUnicode_InternFromString("__slots__");
    empty_tuple = PyTuple_New(0);
    if (s_slots == NULL || s_pos == NULL || s_key_pos == NULL || s_value_pos == NULL || s_item_pos == NULL
        || empty_tuple == NULL)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    Py_INCREF(&MarkType);
    if (PyModule_AddObject(module, "Mark", (PyObject *)&MarkType) < 0) {
        Py_DECREF(&MarkType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
