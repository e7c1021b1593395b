package io.kvasir.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.beans.FeatureDescriptor;
import java.time.LocalDateTime;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/** The Python behaviour HF chat templates rely on, added to jinjava: globals, filters, str/dict methods. */
final class JinjaPython {
    private static final String RAISED = "kvasir-chat-template-raised: ";

    private JinjaPython() {}

    /** A template's raise_exception(message): stops rendering with the template's own message. */
    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(RAISED + message);
        }
    }

    public static String raiseException(Object message) {
        throw new RaisedException(String.valueOf(message));
    }

    /** strftime_now(format) as transformers defines it: the local time formatted with Python's strftime. */
    public static String strftimeNow(String format) {
        return PythonStrings.strftime(LocalDateTime.now(), format);
    }

    /** The raise_exception message carried by a throwable or its causes, or null. */
    static String raisedMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.contains(RAISED)) {
                return m.substring(m.indexOf(RAISED) + RAISED.length());
            }
        }
        return null;
    }

    static void register(Jinjava jinjava) {
        jinjava.registerFunction(function("raise_exception", "raiseException", Object.class));
        jinjava.registerFunction(function("strftime_now", "strftimeNow", String.class));
        jinjava.registerFilter(new TrimFilter());
        jinjava.registerFilter(new ToJsonFilter());
        jinjava.registerFilter(new ItemsFilter());
        jinjava.registerFilter(new ReversedFilter());
        jinjava.registerFilter(new LengthFilter("length"));
        jinjava.registerFilter(new LengthFilter("count"));
    }

    /** A global function backed by a static method of this (non-public) class, made callable by jinjava. */
    private static ELFunctionDefinition function(String name, String method, Class<?> parameter) {
        try {
            java.lang.reflect.Method m = JinjaPython.class.getMethod(method, parameter);
            m.setAccessible(true);
            return new ELFunctionDefinition("", name, m);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static ELResolver resolver() {
        CompositeELResolver composite = new CompositeELResolver();
        composite.add(new MethodResolver());
        composite.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return composite;
    }

    /** jinja2's trim: Python's str.strip(chars). */
    static final class TrimFilter implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            String chars = args.length > 0 ? args[0] : null;
            return PythonStrings.strip(PythonStrings.str(var), chars, true, true);
        }
    }

    /** transformers' tojson: json.dumps(value, ensure_ascii=False, indent=indent). */
    static final class ToJsonFilter implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PythonJson.dumps(var, args.length > 0 && args[0] != null ? Integer.valueOf(args[0].trim()) : null);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            return PythonJson.dumps(var, indent == null ? null : Integer.valueOf(indent.toString().trim()));
        }
    }

    /** jinja2's items filter: a mapping's (key, value) pairs. */
    static final class ItemsFilter implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return var instanceof Map<?, ?> m ? PythonStrings.items(m) : List.of();
        }
    }

    /** Python's len(): strings count code points, not UTF-16 units. */
    record LengthFilter(String getName) implements Filter {
        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return 0L;
            }
            if (var instanceof CharSequence s) {
                return (long) s.toString().codePointCount(0, s.length());
            }
            if (var instanceof java.util.Collection<?> c) {
                return (long) c.size();
            }
            if (var instanceof Map<?, ?> m) {
                return (long) m.size();
            }
            if (var instanceof Object[] a) {
                return (long) a.length;
            }
            if (var instanceof Iterable<?> it) {
                return (long) list(it).size();
            }
            return 0L;
        }
    }

    /** x[::-1]: a reversed copy of a list or string. */
    static final class ReversedFilter implements Filter {
        @Override
        public String getName() {
            return JinjaSource.REVERSED_FILTER;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var instanceof CharSequence s) {
                return new StringBuilder(s).reverse().toString();
            }
            if (var instanceof Iterable<?> it) {
                List<Object> out = list(it);
                java.util.Collections.reverse(out);
                return out;
            }
            return var;
        }
    }

    /** Python str and dict methods on the values of a template (jinja2 exposes them; Java has other names). */
    static final class MethodResolver extends ELResolver {
        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
            if (base == null || method == null) {
                return null;
            }
            Object[] args = params == null ? new Object[0] : params;
            Object result = PythonStrings.NOT_HANDLED;
            if (base instanceof CharSequence s) {
                result = PythonStrings.call(s.toString(), method.toString(), args);
            } else if (base instanceof Map<?, ?> m) {
                result = PythonStrings.callDict(m, method.toString(), args);
            }
            if (result == PythonStrings.NOT_HANDLED) {
                return null;
            }
            context.setPropertyResolved(true);
            return result;
        }

        /** s[i] on a string, negative i counting from the end, as in Python. */
        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            Integer index = property instanceof Number n ? Integer.valueOf(n.intValue())
                    : property instanceof String p && p.matches("-?\\d{1,9}") ? Integer.valueOf(p) : null;
            if (base instanceof CharSequence s && index != null) {
                int[] cps = s.toString().codePoints().toArray();
                int i = index < 0 ? cps.length + index : index;
                context.setPropertyResolved(true);
                return i >= 0 && i < cps.length ? new String(cps, i, 1) : null;
            }
            return null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {}

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return null;
        }
    }

    static Map.Entry<Object, Object> pair(Object k, Object v) {
        return new AbstractMap.SimpleImmutableEntry<>(k, v);
    }

    static List<Object> list(Iterable<?> values) {
        List<Object> out = new ArrayList<>();
        values.forEach(out::add);
        return out;
    }
}
